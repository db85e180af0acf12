using Aos.Postgres.Orleans;
using Aos.Postgres.Storage;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Aos.Postgres.Tests.Orleans;

/// <summary>Checks what a silo sees when PostgreSQL cannot be used: <see cref="StorageUnavailableException"/> naming the server, never the password.</summary>
public sealed class PostgresOrleansUnavailableTests
{
    private const string Password = "s3cret-Pa55word";

    private static readonly PostgresStorageOptions Down = new()
    {
        // Nothing listens on port 1: every connection attempt is refused at once.
        ConnectionString = $"Host=127.0.0.1;Port=1;Username=aos;Password={Password};Database=aos;Timeout=2",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GrainStorageAndReminderTable_ServerDown_ThrowUnavailableNamingTheHostWithoutThePassword()
    {
        await using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        await using var storage = new PostgresGrainStorage(
            "down", "svc", Down, new PostgresGrainStorageOptions { GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()) });
        await using var reminders = new PostgresReminderTable("svc", Down);
        var grain = GrainId.Create("test-grain", "down");

        var errors = new List<StorageUnavailableException>
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(async () => await storage.StartAsync(Ct)),
            await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadStateAsync("s", grain, new GrainState<int>(), Ct)),
            await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteStateAsync("s", grain, new GrainState<int>(), Ct)),
            await Assert.ThrowsAsync<StorageUnavailableException>(() => reminders.StartAsync(Ct)),
            await Assert.ThrowsAsync<StorageUnavailableException>(() => reminders.ReadRows(0, 0, Ct)),
        };

        Assert.All(errors, error =>
        {
            Assert.Equal("postgres", error.Backend);
            Assert.Contains("127.0.0.1:1", error.Message);
            Assert.DoesNotContain(Password, error.ToString());
        });
    }
}
