using Aos.Conformance;
using Aos.Postgres.Orleans;
using Aos.Postgres.Storage;
using Orleans;

namespace Aos.Postgres.Tests.Orleans;

/// <summary>Runs the reminder table conformance kit on PostgreSQL, in the shared test schema under a service id of the test's own.</summary>
public sealed class PostgresReminderTableTests : ReminderTableConformanceTests
{
    private readonly string _serviceId = "test-" + Guid.NewGuid().ToString("N");
    private PostgresReminderTable? _table;

    protected override async ValueTask<IReminderTable> CreateTableAsync()
    {
        await PostgresTestServer.RequireAsync();
        _table = Create(_serviceId);
        await _table.StartAsync(Ct);
        return _table;
    }

    protected override async ValueTask<IReminderTable> RestartTableAsync()
    {
        await _table!.DisposeAsync();
        return await CreateTableAsync();
    }

    protected override async ValueTask DisposeTableAsync()
    {
        if (_table is not null)
        {
            await _table.TestOnlyClearTable(Ct);
            await _table.DisposeAsync();
        }
    }

    [Fact]
    public async Task UpsertRow_OtherService_DoesNotSeeTheReminder()
    {
        await using var other = Create(_serviceId + "-other");
        var grain = NewGrainId();
        await Table.UpsertRow(Entry(grain, "tick"), Ct);

        Assert.Null(await other.ReadRow(grain, "tick", Ct));
        Assert.Empty((await other.ReadRows(0, 0, Ct)).Reminders);
    }

    private static PostgresReminderTable Create(string serviceId) =>
        new(serviceId, new PostgresStorageOptions { ConnectionString = PostgresTestServer.ConnectionString, Schema = PostgresTestServer.SharedSchema });
}
