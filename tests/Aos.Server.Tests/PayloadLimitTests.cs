using System.Text.Json.Nodes;

namespace Aos.Server.Tests;

/// <summary>Runs a server whose payload limit is configured down to 1,000 bytes.</summary>
public sealed class PayloadLimitTests : IAsyncLifetime
{
    private ServerHost _server = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ServerHost.StartAsync(["--Aos:Kernel:MaxPayloadBytes=1000"]);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SendEvent_PayloadOverConfiguredLimit_Returns413AndRecordsNothing()
    {
        var id = await _server.RegisterAsync("echo");

        using var response = await SendEventAsync(id, new string('a', 1000));

        var problem = await response.AssertProblemAsync(413);
        Assert.Contains("The payload is 1002 bytes; the limit is 1000 bytes (Aos:Kernel:MaxPayloadBytes).", problem.Detail());
        Assert.Equal(0, (await _server.GetJsonAsync($"/v1/agents/{id}"))["eventsProcessed"]!.GetValue<long>());
    }

    [Fact]
    public async Task SendEvent_PayloadWithinConfiguredLimit_Returns202()
    {
        var id = await _server.RegisterAsync("echo");

        using var response = await SendEventAsync(id, new string('a', 998));

        await response.AssertJsonAsync(202);
        Assert.Equal(1, (await _server.GetJsonAsync($"/v1/agents/{id}"))["eventsProcessed"]!.GetValue<long>());
    }

    [Fact]
    public async Task SendEvent_BodyOverConfiguredServerLimit_Returns413()
    {
        var id = await _server.RegisterAsync("echo");

        // Kestrel accepts the payload limit plus 64 KiB for the envelope; 200 KB is past it.
        using var response = await _server.PostOversizedAsync($"/v1/agents/{id}/events", new JsonObject { ["type"] = "big", ["payload"] = new string('a', 200_000) });

        var problem = await response.AssertProblemAsync(413);
        Assert.Contains("Aos:Kernel:MaxPayloadBytes", problem.Detail());
        Assert.Equal(0, (await _server.GetJsonAsync($"/v1/agents/{id}"))["eventsProcessed"]!.GetValue<long>());
    }

    private Task<HttpResponseMessage> SendEventAsync(string id, string payload) =>
        _server.Http.PostAsync($"/v1/agents/{id}/events", ServerHost.Json(new JsonObject { ["type"] = "big", ["payload"] = payload }), Token);
}
