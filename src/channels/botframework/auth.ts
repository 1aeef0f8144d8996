// Who may talk to the bot, and how the bot proves itself when it talks back. Inbound: the channel's JWT, checked
// by botbuilder against the Bot Framework's published signing keys (OpenID metadata). Outbound: an access token
// for the app (MICROSOFT_APP_ID and its client secret), asked from Microsoft Entra with the OAuth 2 client-credentials
// grant, the same request MSAL makes for a secret; done here so that the login URL can point anywhere (a national
// cloud, or a test's fake on plain http, which MSAL refuses), and so that a refused secret is told apart from a
// network failure.
import { AsyncLocalStorage } from 'node:async_hooks';
import { CallerIdConstants, CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import { handsRetriesToOutbox, type ConnectorFactory } from './pipeline.ts';

/** The audience of tokens from the channels to the bot, and of the bot's tokens to the Bot Connector. */
const BOT_FRAMEWORK = 'https://api.botframework.com';
/** Where the channels' signing keys are published. */
export const DEFAULT_OPENID_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
/** Where Microsoft Entra issues app tokens: `<login URL>/<tenant>/oauth2/v2.0/token`. */
export const DEFAULT_LOGIN_URL = 'https://login.microsoftonline.com';
/** The Bot Framework Emulator's signing keys (botbuilder checks its tokens apart from the channels'). */
const EMULATOR_OPENID_METADATA_URL = 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration';
/** A multi-tenant app's tokens come from the Bot Framework's own tenant. */
const MULTI_TENANT = 'botframework.com';
/** A token is asked anew this long before it expires. */
const REFRESH_BEFORE_MS = 5 * 60_000;
const TOKEN_TIMEOUT_MS = 10_000;

export interface AuthOptions {
  /** MICROSOFT_APP_ID; with `password`, requests are checked and replies signed. */
  appId?: string;
  /** MICROSOFT_APP_PASSWORD: the app's client secret. */
  password?: string;
  /** MICROSOFT_APP_TENANT_ID, for a single-tenant app; multi-tenant apps take tokens from botframework.com. */
  tenantId?: string;
  /** BOTFRAMEWORK_NO_AUTH=1: no check of who calls, no token on replies (development with the Emulator only). */
  noAuth?: boolean;
  /** BOTFRAMEWORK_OPENID_METADATA_URL (default the Bot Framework's). */
  openIdMetadataUrl?: string;
  /** BOTFRAMEWORK_LOGIN_URL (default https://login.microsoftonline.com). */
  loginUrl?: string;
}

/** Microsoft Entra did not give the app a token; `refused` when it judged the app id or secret wrong. */
export class TokenError extends Error {
  override readonly name = 'TokenError';

  constructor(message: string, readonly refused: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}

type BotAuthentication = ConfigurationBotFrameworkAuthentication;
type CredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;
type AuthenticatedRequest = Awaited<ReturnType<BotAuthentication['authenticateRequest']>>;

/**
 * The app's access tokens, one per scope, asked again shortly before they expire; concurrent askers share a request.
 *
 *     const tokens = new AppTokens({ appId, password, tokenUrl: 'https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token' });
 *     const token = await tokens.token('https://api.botframework.com/.default');
 */
export class AppTokens {
  readonly #options: { appId: string; password: string; tokenUrl: string };
  readonly #cache = new Map<string, { token: string; refreshAt: number }>();
  readonly #asking = new Map<string, Promise<string>>();

  constructor(options: { appId: string; password: string; tokenUrl: string }) {
    this.#options = options;
  }

  async token(scope = `${BOT_FRAMEWORK}/.default`): Promise<string> {
    const cached = this.#cache.get(scope);
    if (cached && cached.refreshAt > Date.now()) return cached.token;
    let asking = this.#asking.get(scope);
    if (!asking) {
      asking = this.#ask(scope).finally(() => this.#asking.delete(scope));
      this.#asking.set(scope, asking);
    }
    return asking;
  }

  /**
   * Drops the tokens held, so the next `token()` asks Entra anew: for a token the Bot Connector refused before the
   * time it was given for (the machine's clock jumped, the token was revoked), which would otherwise be shown again
   * until then, up to an hour.
   */
  forget(): void {
    this.#cache.clear();
  }

  async #ask(scope: string): Promise<string> {
    const { appId, password, tokenUrl } = this.#options;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: appId, client_secret: password, scope });
    let response: Response;
    try {
      response = await fetch(tokenUrl, { method: 'POST', body, signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS) });
    } catch (error) {
      throw new TokenError(`the token endpoint could not be reached: ${error instanceof Error ? error.message : String(error)}`, false, { cause: error });
    }
    const answer = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
    if (!response.ok || typeof answer.access_token !== 'string') {
      const said = [answer.error, answer.error_description].filter((part) => typeof part === 'string').join(': ').split('\r\n')[0] || `HTTP ${response.status}`;
      // Entra answers 400 or 401 (invalid_client, unauthorized_client, invalid_request naming the tenant) to a wrong id or secret.
      throw new TokenError(`Microsoft Entra gave no token: ${said}`, response.status === 400 || response.status === 401);
    }
    const lifetimeMs = (typeof answer.expires_in === 'number' ? answer.expires_in : Number(answer.expires_in) || 3600) * 1000;
    this.#cache.set(scope, { token: answer.access_token, refreshAt: Date.now() + Math.max(lifetimeMs - REFRESH_BEFORE_MS, lifetimeMs / 2) });
    return answer.access_token;
  }
}

/** Signs botbuilder's requests to the Bot Connector with the app's token, or with nothing when authentication is off. */
class AppCredentialsFactory implements CredentialsFactory {
  readonly #appId: string | undefined;
  readonly #tokens: AppTokens | undefined;

  constructor(appId: string | undefined, tokens: AppTokens | undefined) {
    this.#appId = appId;
    this.#tokens = tokens;
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return this.#appId !== undefined && appId === this.#appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return this.#tokens === undefined;
  }

  async createCredentials(appId: string, audience: string | undefined): ReturnType<CredentialsFactory['createCredentials']> {
    const tokens = this.#tokens;
    if (!tokens) return { signRequest: async (request) => request };
    if (appId !== this.#appId) throw new Error(`no credentials for app ${appId}`);
    const scope = `${audience ?? BOT_FRAMEWORK}/.default`;
    return {
      async signRequest(request) {
        request.headers.set('authorization', `Bearer ${await tokens.token(scope)}`);
        return request;
      },
    };
  }
}

/** botbuilder's authentication, whose clients of the Bot Connector leave retries to the outbox (see `handsRetriesToOutbox`). */
class RetriesToOutbox extends ConfigurationBotFrameworkAuthentication {
  override createConnectorFactory(...args: Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>): ConnectorFactory {
    const factory = super.createConnectorFactory(...args);
    return {
      async create(serviceUrl, audience) {
        const connector = await factory.create(serviceUrl, audience);
        handsRetriesToOutbox(connector);
        return connector;
      },
    };
  }
}

/**
 * botbuilder's CloudAdapter, with an activity's authentication and its turn apart, so that the webhook can tell
 * a stranger (401) from the bot's own failure (5xx) and answer as the Bot Framework expects.
 */
export class BotAdapter extends CloudAdapter {
  readonly #authentication: BotAuthentication;

  constructor(authentication: BotAuthentication) {
    super(authentication);
    this.#authentication = authentication;
  }

  /**
   * Checks the request's `Authorization` header against the activity; rejects when it does not prove a channel sent it.
   * What botbuilder prints meanwhile is dropped (`quietTokenChecks`): the webhook logs the refusal itself.
   */
  authenticate(activity: Activity, authorization: string): Promise<AuthenticatedRequest> {
    quietTokenChecks();
    return checkingToken.run(true, () => this.#authentication.authenticateRequest(activity, authorization));
  }

  /** Runs `logic` on an authenticated activity; resolves to an invoke's answer, if the activity was one. */
  turn(request: AuthenticatedRequest, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<{ status: number; body?: unknown } | undefined> {
    return this.processActivity(request, activity, logic);
  }
}

/**
 * The adapter, and the app's tokens (undefined when authentication is off) for what botbuilder does not fetch itself
 * (Teams' inline pictures).
 *
 *     const { adapter, tokens } = createAdapter({ appId, password });
 *     await adapter.continueConversationAsync(appId, reference, async (context) => { await context.sendActivity('Hi'); });
 */
export function createAdapter(options: AuthOptions): { adapter: BotAdapter; tokens: AppTokens | undefined } {
  const { appId, password } = options;
  const loginUrl = `${(options.loginUrl ?? DEFAULT_LOGIN_URL).replace(/\/+$/, '')}/${options.tenantId ?? MULTI_TENANT}`;
  let tokens: AppTokens | undefined;
  if (!options.noAuth) {
    if (appId === undefined || password === undefined) throw new Error('the Bot Framework channel needs an app id and its password, or authentication turned off');
    tokens = new AppTokens({ appId, password, tokenUrl: `${loginUrl}/oauth2/v2.0/token` });
  }
  // Every setting is given: once one is, botbuilder takes none of its defaults.
  const authentication = new RetriesToOutbox(
    {
      MicrosoftAppId: appId ?? '',
      ...(options.tenantId ? { MicrosoftAppTenantId: options.tenantId } : {}),
      ToChannelFromBotLoginUrl: loginUrl,
      ToChannelFromBotOAuthScope: BOT_FRAMEWORK,
      ToBotFromChannelTokenIssuer: BOT_FRAMEWORK,
      OAuthUrl: BOT_FRAMEWORK,
      ToBotFromChannelOpenIdMetadataUrl: options.openIdMetadataUrl ?? DEFAULT_OPENID_METADATA_URL,
      ToBotFromEmulatorOpenIdMetadataUrl: EMULATOR_OPENID_METADATA_URL,
      CallerId: CallerIdConstants.PublicAzureChannel,
      ValidateAuthority: true,
    },
    new AppCredentialsFactory(appId, tokens),
  );
  return { adapter: new BotAdapter(authentication), tokens };
}

/** Set while botbuilder checks a request's token, through its awaits. */
const checkingToken = new AsyncLocalStorage<true>();
let quieted = false;

/**
 * botbuilder prints to console.error, for each token it cannot verify, the Bot Framework's whole public signing key
 * (and an expired token's error): anyone could flood the server's output with forged tokens. What it prints while
 * checking a token is dropped; anything else printed goes on as before. Installed once, on the first check.
 */
function quietTokenChecks(): void {
  if (quieted) return;
  quieted = true;
  const print = console.error;
  console.error = (...args: unknown[]): void => {
    if (checkingToken.getStore() === true) return;
    print.apply(console, args);
  };
}
