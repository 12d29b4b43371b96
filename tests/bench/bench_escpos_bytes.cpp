// A take-home receipt's ESC/POS bytes (issue 19): 80 and 58 mm paper, native and raster QR code, with a
// ~60-character status link and a ~100-character one. With a folder, also writes each receipt's picture.
//   bench_escpos_bytes [png-folder]
#include "devices/escpos_render.h"
#include "devices/printing.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

using namespace guichet::devices;

int main(int argc, char** argv)
{
    PrintedReceipt receipt;
    receipt.place = "Mairie de Saint-Julien-en-Genevois";
    receipt.date_time = "2 décembre 2026 à 17\u00A0h\u00A020";
    receipt.procedure = "Demande de carte grise pour un véhicule d’occasion";
    receipt.code_label = "Votre code de suivi";
    receipt.code = "ABCD-EFGH";
    receipt.code_spelled = "A B C D, tiret, E F G H";
    receipt.qr_caption = "Scannez pour suivre votre demande";
    receipt.sections = {
        { "Et ensuite", { "Vous recevrez un courriel à l’adresse indiquée quand votre dossier sera traité." } },
        { "À apporter", { "Pièce d’identité", "Justificatif de domicile de moins de 6 mois", "Ancienne carte grise barrée et signée" } },
    };
    receipt.footer = "Ouvert du lundi au vendredi, 8 h 30 – 12 h\nTél. 04 50 00 00 00";
    std::filesystem::path folder = argc > 1 ? argv[1] : "";

    std::printf("%-7s %-6s %-8s %8s\n", "link", "paper", "qr", "bytes");
    for (std::string link : { "https://guichet.example.fr/suivi/ABCD-EFGH?lang=fr&src=kiosk07",
             "https://demarches.guichet.saint-julien-en-genevois.example.fr/suivi/ABCD-EFGH-IJKL?lang=fr&src=kiosk-07" }) {
        receipt.qr_text = link;
        for (int paper : { 80, 58 })
            for (auto mode : { QrMode::Native, QrMode::Raster }) {
                auto bytes = escpos_receipt(receipt, paper, mode);
                const char* mode_name = mode == QrMode::Native ? "native" : "raster";
                std::printf("%-7zu %-6d %-8s %8zu\n", link.size(), paper, mode_name, bytes.size());
                if (folder.empty())
                    continue;
                auto png = render_escpos_png(bytes, paper);
                if (!png) {
                    std::fprintf(stderr, "%s\n", png.error().message.c_str());
                    return 1;
                }
                auto name = folder / ("receipt_" + std::to_string(link.size()) + "_" + std::to_string(paper) + "_" + mode_name + ".png");
                std::ofstream(name, std::ios::binary).write(reinterpret_cast<const char*>(png->data()), static_cast<std::streamsize>(png->size()));
            }
    }
    return 0;
}
