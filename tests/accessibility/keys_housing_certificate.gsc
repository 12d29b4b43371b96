# Housing certificate by keys alone (Tab, Shift+Tab, Enter, Escape, typing on a physical keyboard; no
# tap), against a local hub whose kiosk scans on SANE's test backend: the document step's Scan, Retake and
# Remove are reached and pressed by keys, and the voice says the scanner's state.
expect-screen welcome
key Tab
expect-focus welcome.start
key Return
expect-screen catalog
