# The inactivity warning: shown after the quiet time, counts down, can be extended, then wipes.
tap "English"
expect-text "Welcome"
tap "Start"
expect-screen catalog
advance 119
expect-no-text "Are you still there?"
advance 1
expect-text "Are you still there?"
expect-text "in 30 seconds"
screenshot warning.png
advance 5
expect-text "in 25 seconds"
tap "I need more time"
expect-no-text "Are you still there?"
expect-screen catalog
advance 120
expect-text "Are you still there?"
# A tap anywhere on the dimmed screen also answers.
tap id:inactivity
expect-no-text "Are you still there?"
advance 120
advance 30
expect-screen welcome
expect-text "Bienvenue"
expect-no-text "Welcome"
