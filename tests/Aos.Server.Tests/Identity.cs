using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Aos.Server.Security;

namespace Aos.Server.Tests;

/// <summary>Creates tenants, keys and clients through the HTTP API, as the superuser of a <see cref="ServerHost"/>.</summary>
internal static class Identity
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates a tenant by name unless it exists already.</summary>
    public static async Task EnsureTenantAsync(this ServerHost server, string name)
    {
        using var response = await server.Http.PostAsync("/v1/tenants", ServerHost.Json(new JsonObject { ["name"] = name }), Ct);
        Assert.True((int)response.StatusCode is 201 or 409, $"Creating tenant '{name}' answered {(int)response.StatusCode}.");
    }

    public static async Task<string> CreateTenantAsync(this ServerHost server)
    {
        var name = "t-" + Guid.NewGuid().ToString("N")[..12];
        using var response = await server.Http.PostAsync("/v1/tenants", ServerHost.Json(new JsonObject { ["name"] = name }), Ct);
        await response.AssertJsonAsync(201);
        return name;
    }

    /// <summary>Creates a key as the superuser and returns its principal id and secret.</summary>
    public static async Task<(string Principal, string Secret)> CreateKeyAsync(this ServerHost server, string tenant, params string[] roles)
    {
        var body = new JsonObject { ["name"] = "test", ["tenant"] = tenant, ["roles"] = new JsonArray([.. roles.Select(r => (JsonNode?)r)]) };
        using var response = await server.Http.PostAsync("/v1/api-keys", ServerHost.Json(body), Ct);
        var created = await response.AssertJsonAsync(201);
        return ("api-key:" + created["key"]!["id"]!.GetValue<string>(), created["secret"]!.GetValue<string>());
    }

    /// <summary>Creates a user in a tenant as the superuser, signs it in with its password, and returns a client presenting its access token.</summary>
    public static async Task<HttpClient> SignedInUserAsync(this ServerHost server, string tenant, string username, params string[] roles)
    {
        using var superuser = server.Client(server.ApiKey, tenant);
        var user = new JsonObject { ["username"] = username, ["password"] = "correct horse battery", ["roles"] = new JsonArray([.. roles.Select(r => (JsonNode?)r)]) };
        await (await superuser.PostAsync("/v1/users", ServerHost.Json(user), Ct)).AssertJsonAsync(201);
        using var signIn = await server.Anonymous.PostAsync("/v1/auth/token", new FormUrlEncodedContent(
            [new("grant_type", "password"), new("tenant", tenant), new("username", username), new("password", "correct horse battery")]), Ct);
        return server.Client((await signIn.AssertJsonAsync(200))["access_token"]!.GetValue<string>());
    }

    /// <summary>Makes a client that presents a key, acting in another tenant when one is given.</summary>
    public static HttpClient Client(this ServerHost server, string secret, string? actingTenant = null)
    {
        var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (actingTenant is not null)
        {
            client.DefaultRequestHeaders.Add(AosClaims.TenantHeader, actingTenant);
        }

        return client;
    }
}
