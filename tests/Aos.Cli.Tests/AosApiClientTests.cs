using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Aos.Cli.Client;

namespace Aos.Cli.Tests;

public sealed class AosApiClientTests : IAsyncLifetime
{
    private CapturingServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await CapturingServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task PostAsync_Problem_ThrowsRefusedWithStatusAndDetail()
    {
        _server.Answer = (409, "application/problem+json", """{"status":409,"title":"Agent exists","detail":"An agent with id 'a1' is registered already."}""");
        using var client = new AosApiClient(_server.Address);

        var error = await Assert.ThrowsAsync<CliException>(() => client.PostAsync("/v1/agents", new JsonObject(), TestContext.Current.CancellationToken));

        Assert.Equal(ExitCodes.Refused, error.ExitCode);
        Assert.Equal("409 An agent with id 'a1' is registered already.", error.Message);
    }

    [Fact]
    public async Task GetAsync_ServerWithPathPrefix_KeepsThePrefix()
    {
        _server.Answer = (200, "application/json", "{}");
        using var client = new AosApiClient(new Uri(_server.Address, "/aos/"));

        await client.GetAsync("/v1/agents?type=echo", TestContext.Current.CancellationToken);

        Assert.Equal("/aos/v1/agents?type=echo", Assert.Single(_server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task PostAsync_TimeoutProblem_NamesTheMessage()
    {
        _server.Answer = (504, "application/problem+json", """{"status":504,"title":"Request timed out","detail":"Agent 'a1' did not reply.","messageId":"m-9"}""");
        using var client = new AosApiClient(_server.Address);

        var error = await Assert.ThrowsAsync<CliException>(() => client.PostAsync("/v1/agents/a1/requests", new JsonObject(), TestContext.Current.CancellationToken));

        Assert.Equal("504 Agent 'a1' did not reply. (message m-9)", error.Message);
    }

    [Fact]
    public async Task GetAsync_PlainTextError_UsesTheBody()
    {
        _server.Answer = (500, "text/plain", "  boom  ");
        using var client = new AosApiClient(_server.Address);

        var error = await Assert.ThrowsAsync<CliException>(() => client.GetAsync("/v1/agents", TestContext.Current.CancellationToken));

        Assert.Equal("500 boom", error.Message);
    }

    [Fact]
    public async Task DeleteAsync_EmptySuccess_ReturnsNull()
    {
        _server.Answer = (204, "application/json", string.Empty);
        using var client = new AosApiClient(_server.Address);

        var result = await client.DeleteAsync("/v1/agents/a1", TestContext.Current.CancellationToken);

        Assert.Null(result);
    }

    [Fact]
    public async Task GetAsync_NothingListening_ThrowsRefusedWithHint()
    {
        using var client = new AosApiClient(new Uri($"http://127.0.0.1:{ClosedPort()}"));

        var error = await Assert.ThrowsAsync<CliException>(() => client.GetAsync("/readyz", TestContext.Current.CancellationToken));

        Assert.Equal(ExitCodes.Refused, error.ExitCode);
        Assert.StartsWith("cannot reach AOS at", error.Message);
        Assert.Contains("aos up", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
