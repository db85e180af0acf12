using System.Text.Json.Nodes;

namespace Aos.Cli.Client;

/// <summary>What <c>aos login</c> keeps: the server, who signed in, the access token with its expiry, and the session's refresh token.</summary>
internal sealed record LoginSession(string Server, string Tenant, string Username, string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt)
{
    /// <summary>Gets how long before its expiry an access token is refreshed, so that it does not expire on the way.</summary>
    public static readonly TimeSpan RefreshAhead = TimeSpan.FromSeconds(60);

    /// <summary>Builds a session from the token endpoint's answer.</summary>
    public static LoginSession FromTokenResponse(Uri server, string tenant, string username, JsonNode? answer, DateTimeOffset now)
    {
        var access = answer?["access_token"]?.GetValue<string>();
        var refresh = answer?["refresh_token"]?.GetValue<string>();
        var expiresIn = answer?["expires_in"]?.GetValue<long>();
        if (access is null || refresh is null || expiresIn is null)
        {
            throw new CliException($"{server} answered the token request without access_token, refresh_token and expires_in; is it an AOS server?", ExitCodes.Refused);
        }

        return new LoginSession(ServerKey(server), tenant, username, access, refresh, now.AddSeconds(expiresIn.Value));
    }

    /// <summary>Gets the form of a server address the session is kept for.</summary>
    public static string ServerKey(Uri server) => server.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>Tells whether the access token should be refreshed before use.</summary>
    public bool NeedsRefresh(DateTimeOffset now) => ExpiresAt - now < RefreshAhead;

    /// <summary>Uses the refresh token for a new access token and refresh token, and keeps them in the file.</summary>
    /// <exception cref="CliException">The session ended (expired, revoked, or its refresh token reused); says to log in again.</exception>
    public async Task<LoginSession> RefreshAsync(Uri server, TimeProvider time, CancellationToken cancellationToken)
    {
        using var anonymous = new AosApiClient(server);
        JsonNode? answer;
        try
        {
            answer = await anonymous.PostFormAsync("/v1/auth/token", [new("grant_type", "refresh_token"), new("refresh_token", RefreshToken)], cancellationToken);
        }
        catch (CliException ex) when (ex.ExitCode == ExitCodes.Refused && !ex.Message.StartsWith("cannot reach", StringComparison.Ordinal))
        {
            throw new CliException($"the login session of {Username} (tenant {Tenant}) ended: {ex.Message}; run 'aos login --username {Username}' again, or 'aos logout'", ExitCodes.Refused);
        }

        var refreshed = FromTokenResponse(server, Tenant, Username, answer, time.GetUtcNow());
        LoginSessionFile.Write(refreshed);
        return refreshed;
    }

    /// <summary>Writes the session as JSON.</summary>
    public string ToJson() => new JsonObject
    {
        ["server"] = Server,
        ["tenant"] = Tenant,
        ["username"] = Username,
        ["accessToken"] = AccessToken,
        ["refreshToken"] = RefreshToken,
        ["expiresAt"] = ExpiresAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    }.ToJsonString();

    /// <summary>Reads a session written by <see cref="ToJson"/>.</summary>
    public static LoginSession? FromJson(string json)
    {
        try
        {
            var node = JsonNode.Parse(json);
            return new LoginSession(
                node!["server"]!.GetValue<string>(),
                node["tenant"]!.GetValue<string>(),
                node["username"]!.GetValue<string>(),
                node["accessToken"]!.GetValue<string>(),
                node["refreshToken"]!.GetValue<string>(),
                DateTimeOffset.Parse(node["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
