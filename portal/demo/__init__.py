"""Demo data: the real statistics programme, for `portal serve --demo` and the tests."""
