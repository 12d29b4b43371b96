// Signing in and out of the back office: the sign-in form (with its own pre-session CSRF cookie), Argon2id
// verification two at a time, waits and lockout kept in the database, sessions, and /office/ itself.
#include "sync/hub/office_html.h"
#include "sync/hub/office_routes.h"
#include "sync/hub/office_session.h"
#include "sync/hub/rate_limit.h"
#include "sync/hub/store_rules.h"

#include <sodium.h>

#include <chrono>
#include <semaphore>

namespace guichet::sync::hub {

// At most two Argon2id verifications at a time (64 MiB each): a flood of sign-ins costs the hub 128 MiB and
// two cores, not all its memory; the others are told to retry. Unknown names are checked against a
// dummy hash of the same cost, so the answer's timing does not tell whether a name exists. The per-name
// waits and lockout (in the database) stop guessing one agent's password; the per-address rate stops one
// client from trying a few passwords on every name.
constexpr RateRule sign_in_rate { .per_minute = 10, .burst = 20 };

class SignInLimiter {
public:
    SignInLimiter(std::string dummy_hash, bool per_address)
        : m_dummy_hash(std::move(dummy_hash))
    {
        if (per_address)
            m_per_address.emplace(sign_in_rate);
    }
    bool acquire() { return m_slots.try_acquire_for(std::chrono::seconds(1)); }
    void release() { m_slots.release(); }
    const std::string& dummy_hash() const { return m_dummy_hash; }
    // 0 when `address` may try now, else the seconds to wait.
    int throttle(std::string_view address) { return m_per_address ? m_per_address->take(address) : 0; }

private:
    std::counting_semaphore<2> m_slots { 2 };
    std::string m_dummy_hash;
    std::optional<RateLimiter> m_per_address;
};

std::shared_ptr<SignInLimiter> make_sign_in_limiter(HashCostLevel level, bool per_address)
{
    auto cost = agent_hash_cost(level);
    char hash[crypto_pwhash_STRBYTES];
    auto secret = random_cookie_secret();
    if (crypto_pwhash_str(hash, secret.data(), secret.size(), cost.opslimit, cost.memlimit) != 0)
        return nullptr;
    return std::make_shared<SignInLimiter>(hash, per_address);
}

namespace {

constexpr std::string_view refused_message = "Identifiant ou mot de passe incorrect, ou trop d’essais récents avec cet identifiant. "
                                             "Vérifiez votre saisie ; après plusieurs erreurs, attendez quelques minutes avant de réessayer.";

bool is_agent_name(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        return false;
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '.' || c == '-'));
        if (!ok)
            return false;
    }
    return true;
}

struct SlotGuard {
    SignInLimiter& limiter;
    ~SlotGuard() { limiter.release(); }
};

// The sign-in form. `pre` is the pre-session token, also in the guichet_pre cookie: a form posted from
// another site has neither.
std::string sign_in_page(std::string_view pre, std::string_view name, std::string_view error, std::string_view info)
{
    std::string main = R"(<div class="fr-grid-row fr-grid-row--center"><div class="fr-col-12 fr-col-md-8 fr-col-lg-6">)"
                       R"(<h1>Connexion à l’espace agents</h1>)";
    if (!error.empty())
        main += R"(<div class="fr-alert fr-alert--error fr-mb-4w" role="alert"><p>)" + html_escape(error) + "</p></div>";
    if (!info.empty())
        main += R"(<div class="fr-alert fr-alert--info fr-mb-4w"><p>)" + html_escape(info) + "</p></div>";
    main += R"(<form method="post" action="/office/connexion"><input type="hidden" name="_csrf" value=")" + html_escape(pre) + R"(">)";
    main += R"(<fieldset class="fr-fieldset" aria-labelledby="connexion-legende"><legend class="fr-fieldset__legend" id="connexion-legende">)"
            R"(Vos identifiants</legend><div class="fr-fieldset__element"><div class="fr-input-group">)"
            R"(<label class="fr-label" for="nom">Identifiant<span class="fr-hint-text">Celui que l’administrateur du serveur vous a donné.</span></label>)"
            R"(<input class="fr-input" id="nom" name="name" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value=")"
        + html_escape(name) + R"("></div></div><div class="fr-fieldset__element"><div class="fr-input-group">)"
                              R"(<label class="fr-label" for="mot-de-passe">Mot de passe</label>)"
                              R"(<input class="fr-input" id="mot-de-passe" name="password" type="password" autocomplete="current-password" required>)"
                              R"(</div></div><div class="fr-fieldset__element"><button class="fr-btn" type="submit">Se connecter</button></div></fieldset></form>)"
                              R"(<p class="fr-text--sm fr-mt-4w">Mot de passe oublié ou compte bloqué : demandez à l’administrateur du serveur de le réinitialiser.</p>)"
                              R"(</div></div>)";
    return page({ .title = "Connexion", .body_page = "connexion" }, main);
}

// The request's pre-session token if its cookie holds a well-formed one, else a fresh one (set on `res`).
std::string pre_token(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto name = pre_session_cookie_name(context.options);
    if (auto value = cookie_value(req, name); value && decode_cookie_secret(*value))
        return *value;
    auto fresh = random_cookie_secret();
    res.set_header("Set-Cookie", cookie_header(context.options, name, fresh, -1));
    return fresh;
}

void show_sign_in(const httplib::Request& req, httplib::Response& res, OfficeContext& context, int status, std::string_view name,
    std::string_view error, std::string_view info = {})
{
    auto pre = pre_token(req, res, context);
    res.status = status;
    res.set_content(sign_in_page(pre, name, error, info), "text/html; charset=utf-8");
}

// The session this request's cookie names, without answering anything when there is none.
std::optional<SessionView> current_session(const httplib::Request& req, OfficeContext& context)
{
    auto cookie = cookie_value(req, session_cookie_name(context.options));
    auto secret = cookie ? decode_cookie_secret(*cookie) : std::nullopt;
    if (!secret)
        return std::nullopt;
    auto session = context.store.session(rules::hash_of(std::span<const uint8_t>(*secret)), context.clock.now_text(),
        context.options.session_idle_s);
    if (!session || !*session)
        return std::nullopt;
    return std::move(**session);
}

void sign_in(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader, OfficeContext& context)
{
    if (!same_origin(req)) {
        res.set_header("Connection", "close");
        audit_event(context, "anonymous", "csrf-refused", req.path, "origin");
        show_sign_in(req, res, context, 403, "", "Ce formulaire de connexion ne vient pas de ce site : ouvrez la page de connexion et recommencez.");
        return;
    }
    std::string body;
    bool too_large = false;
    bool complete = reader([&](const char* data, size_t length) {
        if (body.size() + length > office_form_max_bytes) {
            too_large = true;
            return false;
        }
        body.append(data, length);
        return true;
    });
    if (too_large || !complete) {
        res.set_header("Connection", "close");
        show_sign_in(req, res, context, too_large ? 413 : 400, "", "Le formulaire n’a pas pu être lu : recommencez.");
        return;
    }
    auto form = parse_form(body);
    sodium_memzero(body.data(), body.size());
    auto name = form_value(form, "name").value_or("");
    auto password = form_value(form, "password").value_or("");
    auto wipe_password = [&] {
        sodium_memzero(password.data(), password.size());
        for (auto& [key, value] : form)
            sodium_memzero(value.data(), value.size());
    };
    // Login CSRF: the form's token must equal the pre-session cookie set with the form.
    auto cookie = cookie_value(req, pre_session_cookie_name(context.options));
    auto token = form_value(form, "_csrf");
    if (!cookie || !token || cookie->size() != token->size() || cookie->empty()
        || sodium_memcmp(cookie->data(), token->data(), cookie->size()) != 0) {
        wipe_password();
        audit_event(context, "anonymous", "csrf-refused", req.path, token ? "token" : "no-token");
        show_sign_in(req, res, context, 403, is_agent_name(name) ? name : "",
            "La page de connexion a expiré ou ne vient pas de ce site : recommencez.");
        return;
    }

    auto& limiter = *context.sign_in;
    if (int wait_s = limiter.throttle(req.remote_addr)) {
        wipe_password();
        audit_event(context, "anonymous", "sign-in-throttled", is_agent_name(name) ? name : "", "per-address");
        res.set_header("Retry-After", std::to_string(wait_s));
        show_sign_in(req, res, context, 429, is_agent_name(name) ? name : "",
            "Trop d’essais de connexion depuis ce poste : réessayez dans " + std::to_string(wait_s) + " secondes.");
        return;
    }
    if (!limiter.acquire()) {
        wipe_password();
        res.set_header("Retry-After", "2");
        show_sign_in(req, res, context, 503, is_agent_name(name) ? name : "",
            "Trop de connexions en même temps : réessayez dans quelques secondes.");
        return;
    }
    SlotGuard slot { limiter };
    auto now = context.clock.now();
    auto now_text = format_rfc3339(now);
    std::optional<std::pair<AgentRecord, std::string>> found;
    if (is_agent_name(name)) {
        auto looked_up = context.store.agent_with_hash(name);
        if (!looked_up) {
            wipe_password();
            send_store_unavailable(req, res, "cannot read an agent for a sign-in", looked_up.error());
            return;
        }
        found = std::move(*looked_up);
    }
    // Every refusal costs one Argon2id verification, whatever its reason, and says the same thing.
    auto refuse = [&](std::string_view target, std::string_view detail) {
        [[maybe_unused]] int same_cost = crypto_pwhash_str_verify(limiter.dummy_hash().c_str(), password.data(), password.size());
        wipe_password();
        audit_event(context, "anonymous", "sign-in-refused", target, detail);
        show_sign_in(req, res, context, 200, is_agent_name(name) ? name : "", refused_message);
    };
    if (!found)
        return refuse("", "unknown-name");
    auto& [agent, hash] = *found;
    if (agent.disabled_at)
        return refuse(agent.name, "disabled");
    if (!agent.retry_at.empty() && agent.retry_at > now_text)
        return refuse(agent.name, "waiting failures=" + std::to_string(agent.failures));
    bool good = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
    wipe_password();
    sodium_memzero(hash.data(), hash.size());
    if (!good) {
        auto failed = context.store.record_sign_in_failure(agent.name, now_text, agent_lockout);
        if (!failed) {
            send_store_unavailable(req, res, "cannot record a failed sign-in", failed.error());
            return;
        }
        audit_event(context, "anonymous", "sign-in-refused", agent.name, "failures=" + std::to_string(failed->failures));
        show_sign_in(req, res, context, 200, agent.name, refused_message);
        return;
    }
    if (auto done = context.store.record_sign_in_success(agent.name, now_text); !done) {
        send_store_unavailable(req, res, "cannot record a sign-in", done.error());
        return;
    }
    auto secret_text = random_cookie_secret();
    auto secret = decode_cookie_secret(secret_text);
    std::array<uint8_t, 32> csrf {};
    randombytes_buf(csrf.data(), csrf.size());
    auto expires = format_rfc3339(now + std::chrono::seconds(context.options.session_max_s));
    auto created = context.store.create_session(rules::hash_of(std::span<const uint8_t>(*secret)), agent.name, csrf, now_text, expires);
    sodium_memzero(secret->data(), secret->size());
    if (!created) {
        send_store_unavailable(req, res, "cannot create a session", created.error());
        return;
    }
    note_agent(agent.name);
    audit_event(context, agent_actor(agent.name), "sign-in", agent.name);
    // The cookie ends with the browser session; the database ends it earlier (idle, 12 h).
    res.set_header("Set-Cookie", cookie_header(context.options, session_cookie_name(context.options), secret_text, -1));
    res.set_header("Set-Cookie", cookie_header(context.options, pre_session_cookie_name(context.options), "", 0));
    sodium_memzero(secret_text.data(), secret_text.size());
    res.status = 303;
    res.set_header("Location", "/office/");
}

void sign_out(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader, OfficeContext& context)
{
    auto post = accept_post(req, res, reader, context, Need::Agent);
    if (!post)
        return;
    auto cookie = cookie_value(req, session_cookie_name(context.options));
    if (auto secret = cookie ? decode_cookie_secret(*cookie) : std::nullopt) {
        if (auto done = context.store.end_session(rules::hash_of(std::span<const uint8_t>(*secret))); !done) {
            send_store_unavailable(req, res, "cannot end a session", done.error());
            return;
        }
    }
    audit_event(context, agent_actor(post->session.agent), "sign-out", post->session.agent);
    res.set_header("Set-Cookie", cookie_header(context.options, session_cookie_name(context.options), "", 0));
    // The page's script forgets the key first (keyring.js); this clears whatever else the browser kept.
    res.set_header("Clear-Site-Data", R"("cookies", "storage")");
    res.status = 303;
    res.set_header("Location", "/office/connexion?sortie=1");
}

}

void install_auth_routes(GatedServer& http, OfficeContext& context)
{
    http.Get("/office/connexion", [&context](const httplib::Request& req, httplib::Response& res) {
        if (auto session = current_session(req, context)) {
            note_agent(session->agent);
            res.status = 303;
            res.set_header("Location", "/office/");
            return;
        }
        show_sign_in(req, res, context, 200, "", "", req.has_param("sortie") ? "Vous êtes déconnecté." : "");
    });
    http.Post("/office/connexion", [&context](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        sign_in(req, res, reader, context);
    });
    http.Post("/office/deconnexion", [&context](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        sign_out(req, res, reader, context);
    });
    auto home = [&context](const httplib::Request& req, httplib::Response& res) {
        if (!require_session(req, res, context, Need::Agent))
            return;
        res.status = 303;
        res.set_header("Location", "/office/demandes");
    };
    http.Get("/office/", home);
    http.Get("/office", home);
}

}
