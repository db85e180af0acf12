using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aos.Testing;

namespace Aos.AcceptanceTests;

public sealed partial class ChatTimeoutTests
{
    [Fact]
    public async Task Request_ModelSlowerThanTimeout_ExitsTwoWithMessageIdAndKeepsTheTurn()
    {
        using var data = new TempDirectory();
        using var modelGate = new ManualResetEventSlim();
        await using var model = await FakeChatModelServer.StartAsync(messages =>
        {
            // The model answers "slow" only once the test has seen the timeout: the deadline is the only way out.
            if (messages[^1].Content == "slow" && !modelGate.Wait(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException("The test never opened the model gate.");
            }

            return FakeChatModelServer.DefaultResponder(messages);
        });
        await using var aos = await AosUpProcess.StartAsync(data.Path, new Dictionary<string, string>
        {
            ["AOS__MODELS__DEFAULT__ENDPOINT"] = model.Endpoint.ToString(),
            ["AOS__MODELS__DEFAULT__MODEL"] = "fake-model",
        });
        await AosCli.JsonAsync(aos.Url, "agents", "register", "--id", "talker", "--type", "chat");

        var timedOut = await AosCli.RunAsync("agents", "request", "talker", "chat", "--payload", "\"slow\"", "--timeout-ms", "300", "--server", aos.Url.ToString());
        modelGate.Set();

        timedOut.AssertExitCode(2);
        var line = Assert.Single(timedOut.ErrorLines);
        Assert.StartsWith("aos: 504 Agent 'talker' did not reply to 'chat' within 300 ms.", line);
        var messageId = MessageIdPattern().Match(line).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(messageId), line);

        // Turns run one at a time: this reply comes after the slow turn is committed, and the model saw it.
        var next = await AosCli.JsonAsync(aos.Url, "agents", "request", "talker", "chat", "--payload", "\"next\"");
        Assert.Equal("turn 2: next", next["reply"]!["text"]!.GetValue<string>());
        var context = JsonNode.Parse(await aos.Http.GetStringAsync("/v1/agents/talker/context", TestContext.Current.CancellationToken))!;
        var history = context["history"]!.AsArray();
        Assert.Equal([messageId, next["messageId"]!.GetValue<string>()], history.Select(h => h!["messageId"]!.GetValue<string>()));
        Assert.All(history, h => Assert.Equal("handled", h!["outcome"]!.GetValue<string>()));
    }

    [GeneratedRegex(@"\(message ([^)]+)\)$")]
    private static partial Regex MessageIdPattern();
}
