# Public-space report, end to end in French: "something else" (a broken bench), dangerous, with a reply
# by e-mail; from the review it turns out to be a street light. The optional date is given, the optional
# detail is left empty.
expect-screen welcome
tap id:welcome.start
expect-screen catalog
# At 1920x1080 the catalog shows two cards a page: this one is on the second.
tap id:catalog.more
tap id:procedure.public-space-report
expect-screen intro
expect-text "Signaler un problème dans la rue"
tap id:intro.start
expect-screen step

# problem: "something else" asks what.
expect-text "Quel est le problème"
tap id:option.other
tap id:step.next
expect-text "En quelques mots, quel est le problème"
type "Banc cassé"
tap id:step.next

# location: free text, partly on the on-screen keyboard (its digits row and ç).
expect-text "Où est le problème"
expect-text "Donnez le nom de la rue et un repère proche."
tap id:keyboard.key.2
tap id:keyboard.key.space
type "place de la Fontaine, devant la fa"
tap id:keyboard.key.ç
tap id:keyboard.key.a
tap id:keyboard.key.d
tap id:keyboard.key.e
type " de l’église"
expect-text "2 place de la Fontaine, devant la façade de l’église"
tap id:step.next

# since: optional; the help says so.
expect-text "Depuis quand voyez-vous ce problème"
expect-text "Cette question est facultative."
tap id:step.help
expect-text "Si vous ne savez pas, laissez vide."
tap id:step.close_help
type "03"
type "01"
type "2025"
tap id:step.next

# danger: yes shows what to do in an emergency.
expect-text "Le problème est-il dangereux"
tap id:option.yes
tap id:step.next
expect-text "En cas d’urgence"
expect-text "appelez le 112"
tap id:step.next

# description: optional, left empty.
expect-text "Voulez-vous ajouter une précision"
tap id:step.next

# wants_reply: yes asks for an e-mail address; one without @ is refused.
expect-text "Voulez-vous une réponse de la mairie"
tap id:option.yes
tap id:step.next
expect-text "Quelle est votre adresse e-mail"
type "karim.benali.exemple.fr"
tap id:step.next
expect-text "Cette adresse e-mail n’est pas complète."
tap id:keyboard.key.clear
type "karim.benali@exemple.fr"
tap id:step.next

expect-screen review
expect-text "Vérifiez vos réponses"
expect-text "Banc cassé"
# It is a street light that does not work: the free-text problem goes.
tap id:review.change.problem
expect-screen step
tap id:option.street_light
tap id:step.next
expect-screen review
expect-text "Un lampadaire en panne"
expect-no-text "Banc cassé"
tap id:review.submit

expect-screen receipt
expect-text "Votre demande est enregistrée"
tap id:receipt.rating_hard
tap id:receipt.finish
expect-screen welcome
