using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Server.Tests;

public sealed class RequestTimeoutTests(ServerFixture fixture)
{
    private readonly ServerHost _server = fixture.Server;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendRequest_NoReplyInTime_Returns504WithMessageIdAndStillHandlesIt()
    {
        var id = await _server.RegisterAsync("slow");
        var gate = _server.Services.GetRequiredService<SlowGates>().For(id);

        // The handler waits on the gate, which opens only after the 504: the deadline is the only way out.
        using var response = await PostAsync(id, new JsonObject { ["type"] = "wait", ["timeoutMs"] = 200 });
        var problem = await response.AssertProblemAsync(504);
        gate.SetResult();

        var messageId = problem["messageId"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(messageId));
        Assert.Contains(messageId, problem.Detail());
        Assert.Contains("not lost", problem.Detail());

        // Turns run one at a time, so the ping's reply comes after the released request is committed.
        using var ping = await PostAsync(id, new JsonObject { ["type"] = "ping" });
        Assert.Equal("pong", (await ping.AssertJsonAsync(200))["reply"]!.GetValue<string>());
        var history = (await _server.GetJsonAsync($"/v1/agents/{id}/context"))["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.Equal(messageId, history[0]!["messageId"]!.GetValue<string>());
        Assert.Equal("wait", history[0]!["type"]!.GetValue<string>());
        Assert.Equal("handled", history[0]!["outcome"]!.GetValue<string>());
        Assert.Equal("ping", history[1]!["type"]!.GetValue<string>());
        Assert.Equal(2, (await _server.GetJsonAsync($"/v1/agents/{id}"))["eventsProcessed"]!.GetValue<long>());
    }

    [Fact]
    public async Task SendRequest_ClientMessageId_IsTheMessageIdOfTheTimeout()
    {
        var id = await _server.RegisterAsync("slow");
        var gate = _server.Services.GetRequiredService<SlowGates>().For(id);

        using var response = await PostAsync(id, new JsonObject { ["type"] = "wait", ["timeoutMs"] = 100, ["id"] = "my-request-1" });
        var problem = await response.AssertProblemAsync(504);
        gate.SetResult();

        Assert.Equal("my-request-1", problem["messageId"]!.GetValue<string>());
        using var ping = await PostAsync(id, new JsonObject { ["type"] = "ping" });
        await ping.AssertJsonAsync(200);
    }

    private Task<HttpResponseMessage> PostAsync(string id, JsonNode body) =>
        _server.Http.PostAsync($"/v1/agents/{id}/requests", ServerHost.Json(body), Token);
}
