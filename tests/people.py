"""The fixed people of the test suite (see STYLE.md): built once, shared by all tests."""
