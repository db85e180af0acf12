using System.Text.Json;
using Aos.Agents;
using Aos.Messaging;

namespace Aos.Server.Tests;

/// <summary>Makes every system call an agent can make when it gets <c>do</c>, and ignores <c>noop</c>.</summary>
[AgentType("every-call", Description = "A test agent that makes each of the agent system calls once.")]
internal sealed class EveryCallAgent : Agent
{
    public EveryCallAgent()
    {
        On<JsonElement>("noop", (_, _) => ValueTask.CompletedTask);
        On<string>("do", async (peer, cancellationToken) =>
        {
            var target = AgentId.Parse(peer);
            await Context.SendAsync(target, "ping", null, cancellationToken);
            await Context.PublishAsync("audit.test", "noop", null, cancellationToken);
            await Context.BroadcastAsync(Context.CreateMessage("noop"), "nobody-", cancellationToken);
            await Context.SubscribeAsync("audit.other", cancellationToken);
            await Context.UnsubscribeAsync("audit.other", cancellationToken);
            await Context.RequestAsync<string>(target, "ping", null, TimeSpan.FromSeconds(30), cancellationToken);
            await Context.ScheduleWakeUpAsync("later", TimeSpan.FromHours(1), cancellationToken: cancellationToken);
            await Context.CancelWakeUpAsync("later", cancellationToken);
            var documents = Context.Storage.Documents("notes");
            await documents.UpsertAsync("memos", "p", "d1", JsonSerializer.SerializeToElement(new { text = "hello" }), cancellationToken: cancellationToken);
            await documents.DeleteAsync("memos", "p", "d1", cancellationToken: cancellationToken);
        });
    }
}
