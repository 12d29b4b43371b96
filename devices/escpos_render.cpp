// placeholder (issue 19)
