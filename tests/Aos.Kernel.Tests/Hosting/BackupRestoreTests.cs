using System.Collections.Concurrent;
using System.Text.Json;
using Aos.Hosting;
using Aos.Kernel.Registry;
using Aos.Kernel.Tests.Support;
using Aos.Kernel.Tests.TestAgents;
using Aos.Kernel.Workflows;
using Aos.Storage.Sqlite;
using Aos.Testing;
using Aos.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.Hosting;

public sealed class BackupRestoreTests
{
    private const int Agents = 8;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BackupUnderLoad_RestoredIntoAFreshNode_HasEveryAgentConsistentAndTheWaitingWorkflow()
    {
        using var data = new TempDirectory();
        using var backup = new TempDirectory();
        using var restored = new TempDirectory();
        var ids = Enumerable.Range(0, Agents).Select(i => AgentId.Parse($"counter-{i}")).ToArray();
        var acknowledged = new ConcurrentDictionary<AgentId, int>();
        Dictionary<AgentId, int> before, after;
        await using (var host = await StartAsync(data.Path))
        {
            await host.Registry.RegisterAsync([.. ids.Select(id => new AgentRegistration { Id = id.Value, Type = CounterAgent.TypeName })], Ct);
            var workflows = host.Services.GetRequiredService<WorkflowClient>();
            await workflows.RegisterAsync(new WorkflowDefinition { Name = "held", Steps = [new WorkflowStep { Id = "wait", Kind = "signal" }] });
            await workflows.StartAsync("held", runId: "held-1");

            using var stop = new CancellationTokenSource();
            var underWay = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var total = 0;
            var senders = Enumerable.Range(0, 4).Select(s => Task.Run(async () =>
            {
                for (var i = s; !stop.IsCancellationRequested; i += 4)
                {
                    var id = ids[i % Agents];
                    await host.Client.SendAsync(id, host.Client.CreateMessage("count", null), CancellationToken.None);
                    acknowledged.AddOrUpdate(id, 1, (_, n) => n + 1);
                    if (Interlocked.Increment(ref total) == 100)
                    {
                        underWay.TrySetResult();
                    }
                }
            })).ToArray();
            await underWay.Task.WaitAsync(Ct);

            before = ids.ToDictionary(id => id, id => acknowledged.GetValueOrDefault(id));
            await host.Services.GetRequiredService<SqliteBackup>().BackupAsync(backup.Path + "/b", Ct);
            after = ids.ToDictionary(id => id, id => acknowledged.GetValueOrDefault(id) + 1);
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        await SqliteBackup.RestoreAsync(backup.Path + "/b", restored.Path, Ct);
        await using (var host = await StartAsync(restored.Path))
        {
            foreach (var id in ids)
            {
                var state = (await host.Client.RequestAsync(id, host.Client.CreateMessage("get", null), cancellationToken: Ct))!.Value.Deserialize<CounterState>(JsonSerializerOptions.Web)!;
                var context = await host.Registry.GetContextAsync(id, 1000, Ct);

                // Everything acknowledged before the backup started is in it; a turn is in it whole or not at all.
                Assert.InRange(state.Count, before[id], after[id]);
                Assert.Equal(state.Count, context.Counters.GetValueOrDefault("count"));
                Assert.Equal(state.Count, context.History.Count(h => h.Type == "count"));
            }

            var workflows = host.Services.GetRequiredService<WorkflowClient>();
            await workflows.SignalAsync("held-1", "wait", "{\"after\": \"restore\"}");
            var run = await workflows.WaitAsync("held-1", TimeSpan.FromSeconds(30));
            Assert.Equal(WorkflowStatus.Completed, run.Status);
        }
    }

    private static Task<AosTestHost> StartAsync(string dataDirectory) =>
        AosTestHost.StartAsync(dataDirectory, configure: aos => aos.AddAgent<CounterAgent>());
}
