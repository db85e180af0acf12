using System.CommandLine;
using Aos.Cli.Client;

namespace Aos.Cli.Commands;

/// <summary>Holds the options every verb that talks to a server shares.</summary>
internal static class CliOptions
{
    public static Option<string> Server { get; } = new("--server")
    {
        Description = "The AOS server to talk to (default: $AOS_SERVER or http://127.0.0.1:5080).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AOS_SERVER") is { Length: > 0 } env ? env : "http://127.0.0.1:5080",
    };

    // No default value: help prints defaults, and a key must never be printed.
    public static Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "The API key or access token to present (default: $AOS_API_KEY, else the 'aos login' session, else the admin key in .aos/credentials/admin.key under the working directory).",
        Recursive = true,
    };

    public static Option<string?> Tenant { get; } = new("--tenant")
    {
        Description = "Act in another tenant than the key's own (sends X-Aos-Tenant): a superuser acts anywhere, others need a role assignment there.",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON for scripts instead of tables.",
        Recursive = true,
    };

    /// <summary>
    /// Finds the credential to present: <c>--api-key</c>, then <c>AOS_API_KEY</c>, then the <c>aos login</c> session of this server
    /// (refreshed first when its access token expires within a minute), then the admin key of <c>./.aos</c>; none when all are absent.
    /// </summary>
    /// <exception cref="CliException">The login session ended; the message says to log in again.</exception>
    public static async Task<string?> ResolveCredentialAsync(ParseResult parseResult, Uri server, TimeProvider time, CancellationToken cancellationToken)
    {
        if (parseResult.GetValue(ApiKey) is { Length: > 0 } given)
        {
            return given.Trim();
        }

        if (Environment.GetEnvironmentVariable("AOS_API_KEY") is { Length: > 0 } environment)
        {
            return environment.Trim();
        }

        if (LoginSessionFile.Read() is { } session && session.Server == LoginSession.ServerKey(server))
        {
            return session.NeedsRefresh(time.GetUtcNow())
                ? (await session.RefreshAsync(server, time, cancellationToken)).AccessToken
                : session.AccessToken;
        }

        var file = Aos.Security.ApiKeys.AdminKeyFile.PathIn(".aos");
        return File.Exists(file) ? (await File.ReadAllTextAsync(file, cancellationToken)).Trim() : null;
    }
}
