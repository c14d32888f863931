// Payment providers and commerce platforms.
import { ALNUM, HEX, UUID, assign, near, token } from '../build.ts';
import type { SecretRule } from '../types.ts';

export const PAYMENT_RULES: SecretRule[] = [
  token({
    id: 'stripe-secret-key', description: 'Stripe secret API key (sk_live_ / sk_test_)', severity: 'critical',
    prefix: ['sk_live_', 'sk_test_', 'sk_prod_'], body: ALNUM('24,247'),
  }),
  token({
    id: 'stripe-restricted-key', description: 'Stripe restricted API key (rk_live_ / rk_test_)', severity: 'critical',
    prefix: ['rk_live_', 'rk_test_', 'rk_prod_'], body: ALNUM('24,247'),
  }),
  token({
    id: 'stripe-webhook-secret', description: 'Stripe webhook signing secret (whsec_)', severity: 'high',
    prefix: 'whsec_', body: '[A-Za-z0-9+/]{32,88}={0,2}', right: '[A-Za-z0-9+/=_]',
  }),
  token({ id: 'square-access-token', description: 'Square access token (sq0atp- or EAAA…)', severity: 'critical', prefix: ['sq0atp-', 'EAAA'], body: '[A-Za-z0-9_-]{22,60}', left: '[A-Za-z0-9_-]', right: '[A-Za-z0-9_-]', entropy: 3 }),
  token({ id: 'square-oauth-secret', description: 'Square OAuth application secret (sq0csp-)', severity: 'critical', prefix: 'sq0csp-', body: '[A-Za-z0-9_-]{43}', right: '[A-Za-z0-9_-]' }),
  token({
    id: 'braintree-access-token', description: 'PayPal Braintree access token', severity: 'critical',
    prefix: 'access_token$', body: '(?:production|sandbox)\\$[0-9a-z]{16}\\$[0-9a-f]{32}', left: '[A-Za-z0-9]',
  }),
  assign({
    id: 'paypal-client-secret', description: 'PayPal REST client secret in context', severity: 'critical',
    names: ['paypal'], value: '[A-Za-z0-9_-]{80}', entropy: 4,
  }),
  near({
    id: 'adyen-api-key', description: 'Adyen API key (AQE…) near an Adyen reference', severity: 'critical',
    keywords: ['adyen'], before: 0, after: 400,
    value: '(?<![A-Za-z0-9+/._-])AQE[A-Za-z0-9+/=._-]{100,300}(?![A-Za-z0-9+/=._-])', entropy: 4,
  }),
  token({ id: 'razorpay-key-id', description: 'Razorpay key id (rzp_live_ / rzp_test_)', severity: 'medium', prefix: ['rzp_live_', 'rzp_test_'], body: ALNUM(14) }),
  assign({
    id: 'razorpay-key-secret', description: 'Razorpay key secret in context', severity: 'critical',
    names: ['razorpay'], value: ALNUM(24), entropy: 3.5,
  }),
  token({ id: 'flutterwave-secret-key', description: 'Flutterwave secret key (FLWSECK-)', severity: 'critical', prefix: ['FLWSECK-', 'FLWSECK_TEST-'], body: `${HEX(32)}-X` }),
  token({ id: 'flutterwave-encryption-key', description: 'Flutterwave encryption key (FLWSECK_TEST…)', severity: 'high', prefix: 'FLWSECK_TEST', body: HEX(12), left: '[A-Za-z0-9]' }),
  assign({
    id: 'paystack-secret-key', description: 'Paystack secret key (sk_live_ + 40 hex) in context', severity: 'critical',
    names: ['paystack'], value: 'sk_(?:live|test)_[a-f0-9]{40}', confidence: 0.97,
  }),
  assign({
    id: 'mollie-api-key', description: 'Mollie API key (live_/test_) in context', severity: 'critical',
    names: ['mollie'], value: '(?:live|test)_[A-Za-z0-9]{30}',
  }),
  assign({
    id: 'gocardless-access-token', description: 'GoCardless access token in context', severity: 'critical',
    names: ['gocardless'], value: '(?:live|sandbox)_[A-Za-z0-9_=-]{40}',
  }),
  token({
    id: 'plaid-access-token', description: 'Plaid access token', severity: 'high',
    prefix: ['access-sandbox-', 'access-development-', 'access-production-'], body: UUID,
  }),
  assign({
    id: 'plaid-secret', description: 'Plaid client secret in context', severity: 'high',
    names: ['plaid'], value: '[a-f0-9]{30}', entropy: 3.0,
  }),
  token({ id: 'shopify-access-token', description: 'Shopify Admin API access token (shpat_)', severity: 'critical', prefix: 'shpat_', body: ALNUM(32) }),
  token({ id: 'shopify-custom-app-token', description: 'Shopify custom app access token (shpca_)', severity: 'critical', prefix: 'shpca_', body: ALNUM(32) }),
  token({ id: 'shopify-private-app-password', description: 'Shopify private app password (shppa_)', severity: 'critical', prefix: 'shppa_', body: ALNUM(32) }),
  token({ id: 'shopify-shared-secret', description: 'Shopify app shared secret (shpss_)', severity: 'critical', prefix: 'shpss_', body: ALNUM(32) }),
  token({ id: 'easypost-api-key', description: 'EasyPost production API key (EZAK)', severity: 'high', prefix: 'EZAK', body: '[a-zA-Z0-9]{54}', left: '[A-Za-z0-9+/]' }),
  token({ id: 'easypost-test-api-key', description: 'EasyPost test API key (EZTK)', severity: 'medium', prefix: 'EZTK', body: '[a-zA-Z0-9]{54}', left: '[A-Za-z0-9+/]' }),
  token({ id: 'shippo-api-token', description: 'Shippo API token', severity: 'high', prefix: ['shippo_live_', 'shippo_test_'], body: HEX(40) }),
  assign({
    id: 'coinbase-api-secret', description: 'Coinbase API secret in context', severity: 'critical',
    names: ['coinbase'], value: '[A-Za-z0-9+/]{32,88}={0,2}', entropy: 4,
  }),
];
