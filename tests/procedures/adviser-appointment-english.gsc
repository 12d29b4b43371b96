# Adviser appointment, end to end in English: the journey of adviser-appointment.gsc for a citizen who
# reads English. The submission says "en"; the answers are the same values as in French.
expect-screen welcome
tap "English"
expect-text "Welcome"
tap "Start"
expect-screen catalog
expect-text "Choose your procedure"
# At 1920x1080 the catalog shows two cards a page: this one is on the second.
tap id:catalog.more
tap id:procedure.adviser-appointment
expect-screen intro
expect-text "Book an appointment with an adviser"
expect-text "A phone number where you can be reached"
tap "Start the procedure"
expect-screen step

# topic
expect-text "What is the appointment about?"
tap "Next"
expect-text "Please answer this question."
tap "Something else"
tap "Next"
expect-text "In a few words, what is it about?"
type "A pension file to fill in"
tap id:step.next

# half_days
expect-text "When can you come?"
expect-text "You can choose several answers."
tap "Monday morning"
tap "Thursday afternoon"
tap id:step.next

# last_name, first_name
expect-text "What is your surname?"
type "Da Silva"
tap id:step.next
expect-text "What is your first name?"
tap id:keyboard.key.shift
tap id:keyboard.key.b
tap id:keyboard.key.shift
tap id:keyboard.key.e
tap id:keyboard.key.n
tap id:keyboard.key.o
tap id:keyboard.key.î
tap id:keyboard.key.t
expect-text "Benoît"
tap id:step.next

# phone: "+33" and 9 digits are accepted too; a missing digit is not.
expect-text "Which number can we call you on?"
type "+33 6 1234 567"
tap id:step.next
expect-text "This phone number is not complete"
type "8"
expect-text "+33 6 1234 5678"
tap id:step.next

# needs
expect-text "Do you need any particular help for the appointment?"
tap "Yes"
tap id:step.next
expect-text "What help do you need?"
type "I use a wheelchair"
tap id:step.next

expect-text "What to bring"
tap id:step.next

expect-screen review
expect-text "Check your answers"
expect-text "A pension file to fill in"
tap id:review.change.topic
expect-screen step
tap "Retirement and pensions"
tap id:step.next
expect-text "What to bring"
expect-text "Bring your career statement"
tap id:step.next
expect-screen review
expect-text "Retirement and pensions"
expect-no-text "A pension file to fill in"
tap "Send my request"

expect-screen receipt
expect-text "Your request is saved"
tap "So-so"
expect-text "Thank you for your opinion."
tap "Finish"
expect-screen welcome
# The next citizen is greeted in French again.
expect-text "Bienvenue"
