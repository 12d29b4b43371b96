# Navigation without touch: Tab moves the focus over the semantic tree, Enter activates, Escape goes
# back, F1 shows the help. No tap in this script.
expect-screen welcome
key Tab
dump-ui focus-welcome.json
key Return
expect-screen catalog
# The first card has the focus after one Tab.
key Tab
key Return
expect-screen intro
key Escape
expect-screen catalog
key Tab
key Return
expect-screen intro
# Intro: Back, Start the procedure.
key Tab
key Tab
key Return
expect-screen step
expect-text "Avant de commencer"
key F1
key Tab
key Tab
screenshot keys-focus-ring.png
key Escape
expect-screen intro
