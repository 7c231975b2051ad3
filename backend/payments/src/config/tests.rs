//! The settings rules: which provider may run with which secrets, keys and addresses.

use super::*;

fn settings(provider: Provider, secret: &str) -> Settings {
    let service = ServiceConfig {
        name: "payments",
        host: "127.0.0.1".into(),
        port: 0,
        nats_url: "nats://127.0.0.1:1".into(),
        database_url: "sqlite::memory:".into(),
        stream_replicas: 1,
    };
    Settings {
        provider,
        webhook_secret: secret.into(),
        secret_key: "sk_test_own".into(),
        storefront_url: "https://shop.example".into(),
        ..Settings::with_service(service)
    }
}

#[test]
fn the_sandbox_defaults_to_its_published_secret_and_takes_another() {
    assert_eq!(
        webhook_secret(Provider::Sandbox, None).ok().as_deref(),
        Some(SANDBOX_SECRET)
    );
    assert_eq!(
        webhook_secret(Provider::Sandbox, Some(String::new()))
            .ok()
            .as_deref(),
        Some(SANDBOX_SECRET)
    );
    assert_eq!(
        webhook_secret(Provider::Sandbox, Some("whsec_own".into()))
            .ok()
            .as_deref(),
        Some("whsec_own")
    );
    assert!(settings(Provider::Sandbox, SANDBOX_SECRET).check().is_ok());
}

#[test]
fn a_real_provider_refuses_an_unset_or_empty_secret() {
    for given in [None, Some(String::new())] {
        let err = webhook_secret(Provider::Stripe, given);
        assert!(
            matches!(
                err,
                Err(SettingsError::MissingSecret {
                    provider: Provider::Stripe
                })
            ),
            "{err:?}"
        );
    }
}

#[test]
fn a_real_provider_refuses_the_sandbox_secret_with_a_clear_message() {
    let err = webhook_secret(Provider::Stripe, Some(SANDBOX_SECRET.into()));
    assert!(matches!(err, Err(SettingsError::SandboxSecret { .. })), "{err:?}");
    let checked = settings(Provider::Stripe, SANDBOX_SECRET).check();
    let message = checked.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("PAYMENTS_PROVIDER=stripe"), "{message}");
    assert!(message.contains("WEBHOOK_SECRET"), "{message}");
}

#[test]
fn a_real_provider_with_its_own_secret_key_and_storefront_runs() {
    assert_eq!(
        webhook_secret(Provider::Stripe, Some("whsec_live".into()))
            .ok()
            .as_deref(),
        Some("whsec_live")
    );
    let stripe = settings(Provider::Stripe, "whsec_live");
    assert!(stripe.check().is_ok(), "{:?}", stripe.check());
    assert_eq!(stripe.provider_base(8106), STRIPE_API);
    assert_eq!(
        stripe.order_page("o-1"),
        "https://shop.example/account/orders/o-1"
    );
}

#[test]
fn a_real_provider_refuses_a_missing_key_or_a_relative_storefront() {
    let no_key = Settings {
        secret_key: String::new(),
        ..settings(Provider::Stripe, "whsec_live")
    };
    assert!(matches!(no_key.check(), Err(SettingsError::MissingKey { .. })));
    let relative = Settings {
        storefront_url: String::new(),
        ..settings(Provider::Stripe, "whsec_live")
    };
    let message = relative.check().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("STOREFRONT_URL"), "{message}");
    let bad_url = Settings {
        provider_url: Some("api.stripe.com".into()),
        ..settings(Provider::Stripe, "whsec_live")
    };
    assert!(matches!(bad_url.check(), Err(SettingsError::ProviderUrl(_))));
}

#[test]
fn the_sandbox_is_this_process_unless_a_url_is_given_and_returns_to_relative_paths() {
    let sandbox = Settings::with_service(settings(Provider::Sandbox, SANDBOX_SECRET).service);
    assert_eq!(sandbox.provider_base(8106), "http://127.0.0.1:8106/sandbox");
    assert_eq!(sandbox.order_page("o-1"), "/account/orders/o-1");
    assert!(sandbox.secret_key.starts_with("sk_test_"));
    let elsewhere = Settings {
        provider_url: Some("http://payments-0:8106/sandbox".into()),
        ..sandbox
    };
    assert_eq!(elsewhere.provider_base(1), "http://payments-0:8106/sandbox");
}

#[test]
fn the_provider_parses_from_its_name_and_refuses_others() {
    assert_eq!("sandbox".parse::<Provider>(), Ok(Provider::Sandbox));
    assert_eq!(" Stripe ".parse::<Provider>(), Ok(Provider::Stripe));
    assert!("paypal".parse::<Provider>().is_err());
    assert_eq!(Provider::Stripe.to_string(), "stripe");
}
