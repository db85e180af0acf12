using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Aos.Hosting;
using Aos.Security.ApiKeys;
using Aos.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Server.Tests;

/// <summary>Runs <see cref="AosServer"/> in-process on a real loopback port over a temporary data directory.</summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServerHost(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Address = address;
        ApiKey = File.ReadAllText(AdminKeyFile.PathIn(dataDirectory)).Trim();
        Http = new HttpClient { BaseAddress = address };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        Anonymous = new HttpClient { BaseAddress = address };
    }

    /// <summary>Gets the node's admin key (superuser), which <see cref="Http"/> presents.</summary>
    public string ApiKey { get; }

    /// <summary>Gets a client that presents no credentials.</summary>
    public HttpClient Anonymous { get; }

    public string DataDirectory { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ServerHost> StartAsync(string[]? args = null, Action<IAosBuilder>? configure = null)
    {
        var dataDirectory = AosTestHost.CreateTempDirectory();
        WebApplication? app = null;
        try
        {
            app = AosServer.Create(args ?? [], dataDirectory, "http://127.0.0.1:0", configure);
            await app.StartAsync();
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ServerHost(app, dataDirectory, new Uri(address));
    }

    /// <summary>Registers one agent and returns its id.</summary>
    public async Task<string> RegisterAsync(string type, string? id = null, string? purpose = null, params string[] capabilities)
    {
        id ??= NewId(type);
        var body = new JsonObject { ["id"] = id, ["type"] = type, ["purpose"] = purpose, ["capabilities"] = new JsonArray([.. capabilities.Select(c => (JsonNode?)c)]) };
        using var response = await Http.PostAsync("/v1/agents", Json(body), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        return (await response.Content.ReadFromJsonAsync<JsonNode>(TestContext.Current.CancellationToken))!;
    }

    /// <summary>
    /// Posts a body the server refuses for its size. Expect: 100-continue lets the server answer before the body is
    /// sent; without it the server's early answer races the upload and the client may see a broken pipe instead.
    /// </summary>
    public Task<HttpResponseMessage> PostOversizedAsync(string path, JsonNode body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        request.Headers.ExpectContinue = true;
        return Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static StringContent Json(JsonNode body) => Json(body.ToJsonString());

    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
