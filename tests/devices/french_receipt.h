// A French receipt with every kind of text the paper must get right (accents, « », €, œ, ’, several
// sections), for the CUPS tests and bench_print.
#pragma once
#include "devices/printing.h"

namespace guichet::test {

inline devices::PrintedReceipt french_receipt()
{
    devices::PrintedReceipt receipt;
    receipt.place = "Mairie de Saint-Julien";
    receipt.date_time = "2 décembre 2026 à 17 h 20";
    receipt.procedure = "Demande d’aide au logement";
    receipt.code_label = "Votre code de suivi";
    receipt.code = "ABCD-EFGH";
    receipt.code_spelled = "A B C D, tiret, E F G H";
    receipt.qr_text = "https://guichet.example.fr/suivi/ABCD-EFGH";
    receipt.qr_caption = "Scannez pour suivre votre demande";
    receipt.sections = {
        { "Et ensuite", { "La caisse vous répond sous « quinze jours ».", "Gardez ce reçu : il prouve votre demande." } },
        { "À apporter", { "Votre pièce d’identité", "Un justificatif de domicile de moins de 3 mois",
                            "Le reçu de la caution : 450 €" } },
        { "Vos réponses", { "Situation : cœur de famille, garçon à charge", "Sœur hébergée : oui" } },
    };
    receipt.footer = "Ouvert du lundi au vendredi, de 8 h 30 à 12 h. Téléphone : 04 00 00 00 00";
    return receipt;
}

}
