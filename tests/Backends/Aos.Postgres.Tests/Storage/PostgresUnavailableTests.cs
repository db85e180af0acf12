using Aos.Postgres.Storage;
using Aos.Storage;
using Npgsql;

namespace Aos.Postgres.Tests.Storage;

/// <summary>Checks what callers see when PostgreSQL cannot be used: <see cref="StorageUnavailableException"/> naming the server, never the password.</summary>
public sealed class PostgresUnavailableTests
{
    private const string Password = "s3cret-Pa55word";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryStore_ServerDown_ThrowsUnavailableNamingTheHostWithoutThePassword()
    {
        // Nothing listens on port 1: every connection attempt is refused at once.
        await using var provider = new PostgresStorageProvider(new PostgresStorageOptions
        {
            ConnectionString = $"Host=127.0.0.1;Port=1;Username=aos;Password={Password};Database=aos;Timeout=2",
        });

        var errors = new List<StorageUnavailableException>
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(async () => await provider.GetBlobStore("down").PutAsync("a", new MemoryStream([1]), cancellationToken: Ct)),
            await Assert.ThrowsAsync<StorageUnavailableException>(async () => await provider.GetBlobStore("down").GetAsync("a", Ct)),
            await Assert.ThrowsAsync<StorageUnavailableException>(async () => await provider.GetTableStore("down").AddAsync(new TableEntity("p", "r"), Ct)),
            await Assert.ThrowsAsync<StorageUnavailableException>(async () => await provider.GetQueueStore("down").EnqueueAsync("m", cancellationToken: Ct)),
            await Assert.ThrowsAsync<StorageUnavailableException>(async () =>
            {
                await foreach (var _ in provider.GetDocumentStore("down").QueryAsync("c-1", cancellationToken: Ct))
                {
                }
            }),
        };

        Assert.All(errors, error =>
        {
            Assert.Equal("postgres", error.Backend);
            Assert.Contains("127.0.0.1:1", error.Message);
            Assert.Contains("Aos:Storage:Postgres:ConnectionString", error.Message);
            Assert.DoesNotContain(Password, error.ToString());
            Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
        });
    }

    [Fact]
    public async Task AnyStore_WrongPassword_ThrowsUnavailableSayingToCheckThePassword()
    {
        await PostgresTestServer.RequireAsync();
        var builder = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { Password = Password };
        await using var provider = new PostgresStorageProvider(new PostgresStorageOptions { ConnectionString = builder.ConnectionString });

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await provider.GetTableStore("down").GetAsync("p", "r", Ct));

        Assert.Contains("password", error.Message);
        Assert.DoesNotContain(Password, error.ToString());
    }

    [Fact]
    public async Task Write_WithNulCharacter_ThrowsValidationAndStoresNothing()
    {
        await PostgresTestServer.RequireAsync();
        await using var provider = PostgresTestServer.CreateProvider(TimeProvider.System);
        var queue = provider.GetQueueStore("t" + Guid.NewGuid().ToString("N")[..20]);
        var table = provider.GetTableStore("t" + Guid.NewGuid().ToString("N")[..20]);

        await Assert.ThrowsAsync<AosValidationException>(async () => await queue.EnqueueAsync("a\0b", cancellationToken: Ct));
        await Assert.ThrowsAsync<AosValidationException>(async () => await table.AddAsync(new TableEntity("p", "r", new Dictionary<string, object?> { ["V"] = "a\0b" }), Ct));
        await Assert.ThrowsAsync<AosValidationException>(async () => await table.AddAsync(new TableEntity("p", "r", new Dictionary<string, object?> { ["V"] = double.NaN }), Ct));

        Assert.Empty(await queue.PeekAsync(10, Ct));
        Assert.Null(await table.GetAsync("p", "r", Ct));
    }
}
