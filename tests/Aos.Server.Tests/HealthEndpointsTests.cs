namespace Aos.Server.Tests;

public sealed class HealthEndpointsTests(ServerFixture fixture)
{
    private readonly ServerHost _server = fixture.Server;

    [Fact]
    public async Task Healthz_Running_ReturnsHealthy()
    {
        using var response = await _server.Http.GetAsync("/healthz", TestContext.Current.CancellationToken);

        var body = await response.AssertJsonAsync(200);
        Assert.Equal("healthy", body["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Readyz_Started_ReturnsReady()
    {
        using var response = await _server.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);

        var body = await response.AssertJsonAsync(200);
        Assert.Equal("ready", body["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Readyz_ConfiguredStorageBackendUnreachable_Returns503NamingIt()
    {
        await using var server = await ServerHost.StartAsync(["--Aos:Storage:Postgres:ConnectionString=Host=127.0.0.1;Port=1;Username=aos;Password=secret-password;Database=aos;Timeout=2"]);

        using var response = await server.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);

        var body = await response.AssertProblemAsync(503);
        Assert.Equal("Storage is unreachable", body["title"]!.GetValue<string>());
        Assert.Contains("'postgres'", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-password", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_Document_ListsTheAgentResources()
    {
        using var response = await _server.Http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        var document = await response.AssertJsonAsync(200);
        var paths = document["paths"]!.AsObject();
        Assert.Contains("/v1/agents", paths.Select(p => p.Key));
        Assert.Contains("/v1/agents/{id}", paths.Select(p => p.Key));
        Assert.Contains("/v1/agents/{id}/events", paths.Select(p => p.Key));
        Assert.Contains("/v1/agents/{id}/requests", paths.Select(p => p.Key));
        Assert.Contains("/v1/agents/{id}/context", paths.Select(p => p.Key));
        Assert.Contains("/v1/agent-types", paths.Select(p => p.Key));
        Assert.NotNull(paths["/v1/agents"]!["post"]);
        Assert.NotNull(paths["/v1/agents"]!["get"]);
    }
}
