"""What the tests and benchmarks share: servers, builders of feeds, pages and stories, helpers for
fixtures, and the loopback tripwire. No test module imports another; they import from here."""
