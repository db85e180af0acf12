using Aos.Agents;
using Aos.Kernel.Agents;
using Aos.Kernel.Tests.TestAgents;
using Aos.Registry;
using Microsoft.Data.Sqlite;

namespace Aos.Kernel.Tests.Cluster;

public abstract partial class AgentClusterTests
{
    [Fact]
    public async Task IdleAgent_AfterActivationCollection_SleepsAndWakesOnNextEvent()
    {
        var id = await RegisterAsync(CounterAgent.TypeName);
        Assert.Equal(AgentStatus.Sleeping, (await Registry.GetAsync(id, Cancellation)).Status);
        await SendAsync(id, "count");
        Assert.Equal(AgentStatus.Active, (await Registry.GetAsync(id, Cancellation)).Status);

        await Fixture.PutToSleepAsync(id);

        var asleep = await Registry.GetAsync(id, Cancellation);
        Assert.Equal(AgentStatus.Sleeping, asleep.Status);
        Assert.Equal(1, asleep.WakeCount);

        await SendAsync(id, "count");

        var awake = await Registry.GetAsync(id, Cancellation);
        Assert.Equal(AgentStatus.Active, awake.Status);
        Assert.Equal(2, awake.WakeCount);
        Assert.Equal(2, awake.EventsProcessed);
        Assert.Equal(2, (await GetCounterStateAsync(id)).Count);
    }

    [Fact]
    public async Task DeregisterAsync_DeletesStateAndJournal_ReRegisterStartsFresh()
    {
        var id = await RegisterAsync(CounterAgent.TypeName);
        await SendAsync(id, "count");
        await SendAsync(id, "count");

        await Registry.DeregisterAsync(id, Cancellation);

        await Assert.ThrowsAsync<AgentNotFoundException>(() => Registry.GetContextAsync(id, cancellationToken: Cancellation));
        await Assert.ThrowsAsync<AgentNotFoundException>(() => Registry.GetAsync(id, Cancellation));
        await Assert.ThrowsAsync<AgentNotFoundException>(() => SendAsync(id, "count"));
        await Assert.ThrowsAsync<AgentNotFoundException>(() => Registry.DeregisterAsync(id, Cancellation));

        await RegisterAsync(CounterAgent.TypeName, id: id.Value);

        var info = await Registry.GetAsync(id, Cancellation);
        var context = await Registry.GetContextAsync(id, cancellationToken: Cancellation);
        Assert.Equal(0, info.EventsProcessed);
        Assert.Equal(0, info.WakeCount);
        Assert.Empty(context.Counters);
        Assert.Empty(context.History);
        await SendAsync(id, "count");
        Assert.Equal(1, (await GetCounterStateAsync(id)).Count);
        Assert.Equal(1, (await Registry.GetContextAsync(id, cancellationToken: Cancellation)).Counters["count"]);
    }

    [Fact]
    public async Task CorruptState_AgentIsReportedFailedWithReason_OtherAgentsStillServe()
    {
        var broken = await RegisterAsync(CounterAgent.TypeName);
        var healthy = await RegisterAsync("echo");
        await SendAsync(broken, "count");
        await Fixture.PutToSleepAsync(broken);

        await CorruptGrainStateAsync(broken);

        var info = await Registry.GetAsync(broken, Cancellation);
        Assert.Equal(AgentStatus.Failed, info.Status);
        Assert.Contains("could not be loaded", info.StatusReason, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<AgentUnavailableException>(() => SendAsync(broken, "count"));
        Assert.Contains("could not be loaded", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AgentUnavailableException>(() => Registry.GetContextAsync(broken, cancellationToken: Cancellation));
        var failed = await Registry.ListAsync(new AgentQuery { Type = CounterAgent.TypeName, Status = AgentStatus.Failed, Limit = AgentQuery.MaxLimit }, Cancellation);
        var record = Assert.Single(failed.Items, r => r.Descriptor.Id == broken);
        Assert.Contains("could not be loaded", record.StatusReason, StringComparison.Ordinal);

        var reply = await RequestAsync(healthy, "still.there", new { ok = true });
        Assert.Equal("""{"type":"echo","payload":{"ok":true}}""", reply!.Value.GetRawText());
        var other = await RegisterAsync(CounterAgent.TypeName);
        Assert.Equal(HistoryOutcome.Handled, (await SendAsync(other, "count")).Outcome);
    }

    [Fact]
    public async Task CorruptState_DeregisterAndRegisterAgain_StartsFresh()
    {
        var broken = await RegisterAsync(CounterAgent.TypeName);
        await SendAsync(broken, "count");
        await Fixture.PutToSleepAsync(broken);
        await CorruptGrainStateAsync(broken);
        await Assert.ThrowsAsync<AgentUnavailableException>(() => SendAsync(broken, "count"));

        await Registry.DeregisterAsync(broken, Cancellation);
        await RegisterAsync(CounterAgent.TypeName, id: broken.Value);

        Assert.Equal(HistoryOutcome.Handled, (await SendAsync(broken, "count")).Outcome);
        var info = await Registry.GetAsync(broken, Cancellation);
        Assert.Equal(AgentStatus.Active, info.Status);
        Assert.Equal(1, info.EventsProcessed);
        Assert.Equal(1, (await GetCounterStateAsync(broken)).Count);
    }

    [Fact]
    public async Task ScheduleWakeUpAsync_DueWhileAsleep_WakesAgentAndRunsOnWakeUp()
    {
        var id = await RegisterAsync(CounterAgent.TypeName);
        var woke = CounterAgent.WakeUpSignal(id);

        // Due well after the agent is put to sleep, even on a loaded machine: a reminder that fired first would run in the active grain.
        await SendAsync(id, "schedule", new { name = "nudge", dueMs = 5000 });
        await Fixture.PutToSleepAsync(id);

        // Orleans reminders run on real time: this waits for the agent's signal, with a generous bound against a hang.
        Assert.Equal("nudge", await woke.WaitAsync(TimeSpan.FromSeconds(60), Cancellation));
        var state = await GetCounterStateAsync(id);
        Assert.Equal(["nudge"], state.WakeUps);
        var context = await Registry.GetContextAsync(id, cancellationToken: Cancellation);
        Assert.Contains(context.History, h => h.Type == "aos.wake-up" && h.Outcome == HistoryOutcome.Handled);
        Assert.Equal(2, (await Registry.GetAsync(id, Cancellation)).WakeCount);
        Assert.Equal(0, await CountRemindersAsync(id));
    }

    [Fact]
    public async Task ScheduleWakeUpAsync_InTurnThatFails_SchedulesNothing()
    {
        var id = await RegisterAsync(CounterAgent.TypeName);

        var result = await SendAsync(id, "schedule-then-fail", new { name = "never", dueMs = 600_000 });

        Assert.Equal(HistoryOutcome.Failed, result.Outcome);
        Assert.Equal(0, await CountRemindersAsync(id));
        await SendAsync(id, "schedule", new { name = "later", dueMs = 600_000 });
        Assert.Equal(1, await CountRemindersAsync(id));
    }

    [Fact]
    public async Task ScheduleWakeUpAsync_MonthsAway_IsScheduled_AndTheAgentKeepsServing()
    {
        var id = await RegisterAsync(CounterAgent.TypeName);

        var result = await SendAsync(id, "schedule", new { name = "quarterly", dueMs = (long)TimeSpan.FromDays(90).TotalMilliseconds });
        await Fixture.PutToSleepAsync(id);

        Assert.Equal(HistoryOutcome.Handled, result.Outcome);
        Assert.Equal(1, await CountRemindersAsync(id));
        Assert.Equal(HistoryOutcome.Handled, (await SendAsync(id, "count", new { })).Outcome);
    }

    private async Task<long> CountRemindersAsync(AgentId id)
    {
        await using var db = await OpenDatabaseAsync();
        await using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM reminders WHERE grain_id = $grain;";
        count.Parameters.AddWithValue("$grain", $"{AosStorageNames.AgentGrainType}/{id.Value}");
        return (long)(await count.ExecuteScalarAsync(Cancellation))!;
    }

    private async Task CorruptGrainStateAsync(AgentId id)
    {
        await using var db = await OpenDatabaseAsync();
        await using var update = db.CreateCommand();
        update.CommandText = "UPDATE grain_state SET data = $data WHERE provider = $provider AND state_name = $state AND grain_id = $grain;";
        update.Parameters.AddWithValue("$data", "this is not a grain state"u8.ToArray());
        update.Parameters.AddWithValue("$provider", AosStorageNames.GrainStorage);
        update.Parameters.AddWithValue("$state", AosStorageNames.AgentStateName);
        update.Parameters.AddWithValue("$grain", $"{AosStorageNames.AgentGrainType}/{id.Value}");
        Assert.Equal(1, await update.ExecuteNonQueryAsync(Cancellation));
    }

    private async Task<SqliteConnection> OpenDatabaseAsync()
    {
        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(Fixture.DataDirectory, "aos.db"),
            Pooling = false,
            DefaultTimeout = 30,
        };
        var db = new SqliteConnection(connection.ToString());
        await db.OpenAsync(Cancellation);
        return db;
    }
}
