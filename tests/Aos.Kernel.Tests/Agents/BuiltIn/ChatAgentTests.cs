using System.Text.Json;
using Aos.Kernel.Agents.BuiltIn;
using Aos.Kernel.Registry;
using Aos.Kernel.Tests.Support;
using Aos.Testing;

namespace Aos.Kernel.Tests.Agents.BuiltIn;

public sealed class ChatAgentTests
{
    private static readonly AgentId Chatty = AgentId.Parse("chatty");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chat_ConversationAcrossRestart_KeepsEarlierTurnsAndPurposeAsInstructions()
    {
        await using var model = await FakeChatModelServer.StartAsync();
        using var data = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Aos:Models:Default:Endpoint"] = model.Endpoint.ToString(),
            ["Aos:Models:Default:Model"] = "fake",
        };

        await using (var host = await AosTestHost.StartAsync(data.Path, settings))
        {
            await host.Registry.RegisterAsync(new AgentRegistration { Id = Chatty.Value, Type = "chat", Purpose = "You are terse." }, Cancellation);

            Assert.Equal("turn 1: hi", await ChatAsync(host, new { message = "hi" }));
            Assert.Equal("turn 2: and again", await ChatAsync(host, new { message = "and again" }));
            await host.StopAsync();
        }

        var second = model.Requests[1];
        Assert.Contains(new FakeChatMessage("user", "hi"), second);
        Assert.Contains(new FakeChatMessage("assistant", "turn 1: hi"), second);
        Assert.Equal(new FakeChatMessage("user", "and again"), second[^1]);

        await using (var host = await AosTestHost.StartAsync(data.Path, settings))
        {
            Assert.Equal("turn 3: still there?", await ChatAsync(host, "still there?"));
        }

        Assert.Equal(3, model.Requests.Count);
        Assert.All(model.Requests, request => Assert.Equal(new FakeChatMessage("system", "You are terse."), Assert.Single(request, m => m.Role == "system")));
    }

    [Fact]
    public async Task Chat_LongConversation_KeepsOnlyTheNewestMessages()
    {
        await using var model = await FakeChatModelServer.StartAsync();
        using var data = new TempDirectory();
        await using var host = await AosTestHost.StartAsync(data.Path, new Dictionary<string, string?>
        {
            ["Aos:Models:Default:Endpoint"] = model.Endpoint.ToString(),
            ["Aos:Models:Default:Model"] = "fake",
        });
        await host.Registry.RegisterAsync(new AgentRegistration { Id = Chatty.Value, Type = "chat", Purpose = "You are terse." }, Cancellation);

        // Each turn adds two messages: past the limit, the oldest go.
        var turns = (ChatAgent.HistoryLimit / 2) + 5;
        for (var turn = 1; turn <= turns; turn++)
        {
            await ChatAsync(host, new { message = $"m{turn}" });
        }

        var last = model.Requests[^1];
        Assert.Equal(new FakeChatMessage("system", "You are terse."), last[0]);
        Assert.Equal(ChatAgent.HistoryLimit + 1, last.Count(m => m.Role != "system"));
        Assert.DoesNotContain(new FakeChatMessage("user", "m1"), last);
        Assert.Contains(new FakeChatMessage("user", $"m{turns - 1}"), last);
        Assert.Equal(new FakeChatMessage("user", $"m{turns}"), last[^1]);
    }

    [Fact]
    public async Task Chat_EmptyMessage_IsRefused()
    {
        await using var model = await FakeChatModelServer.StartAsync();
        using var data = new TempDirectory();
        await using var host = await AosTestHost.StartAsync(data.Path, new Dictionary<string, string?>
        {
            ["Aos:Models:Default:Endpoint"] = model.Endpoint.ToString(),
            ["Aos:Models:Default:Model"] = "fake",
        });
        await host.Registry.RegisterAsync(new AgentRegistration { Id = Chatty.Value, Type = "chat" }, Cancellation);

        var error = await Assert.ThrowsAsync<AosValidationException>(() => ChatAsync(host, new { text = "wrong field" }));

        Assert.Contains("\"message\"", error.Message, StringComparison.Ordinal);
        Assert.Empty(model.Requests);
    }

    [Fact]
    public async Task RegisterAsync_ChatWithoutModel_ThrowsValidationNamingTheSettings()
    {
        using var data = new TempDirectory();
        await using var host = await AosTestHost.StartAsync(data.Path);

        var error = await Assert.ThrowsAsync<AosValidationException>(() =>
            host.Registry.RegisterAsync(new AgentRegistration { Id = Chatty.Value, Type = "chat", Purpose = "You are terse." }, Cancellation));

        Assert.Equal("Aos:Models:Default", error.Field);
        Assert.Contains("Aos:Models:Default:Endpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("Aos:Models:Default:Model", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AgentNotFoundException>(() => host.Registry.GetAsync(Chatty, Cancellation));
    }

    private static async Task<string?> ChatAsync(AosTestHost host, object payload)
    {
        var request = host.Client.CreateMessage("chat", JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web));
        var reply = await host.Client.RequestAsync(Chatty, request, cancellationToken: Cancellation);
        return reply!.Value.GetProperty("text").GetString();
    }
}
