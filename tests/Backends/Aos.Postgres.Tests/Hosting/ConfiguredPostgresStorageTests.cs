using System.Text;
using Aos.Storage;
using Aos.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Postgres.Tests.Hosting;

/// <summary>A node configured (not coded) to keep a named store in PostgreSQL.</summary>
public sealed class ConfiguredPostgresStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddAos_PostgresConnectionConfigured_KeepsTheConfiguredStoreThereAndTheOthersEmbedded()
    {
        await PostgresTestServer.RequireAsync();
        var store = "shared" + Guid.NewGuid().ToString("N")[..8];
        await using var host = await AosTestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Aos:Storage:Postgres:ConnectionString"] = PostgresTestServer.ConnectionString,
            ["Aos:Storage:Postgres:Schema"] = PostgresTestServer.SharedSchema,
            [$"Aos:Storage:Stores:{store}:Backend"] = "postgres",
        });
        var catalog = host.Services.GetRequiredService<StorageCatalog>();

        await catalog.GetBlobStore(store).PutAsync("a.txt", new MemoryStream(Encoding.UTF8.GetBytes("in postgres")), cancellationToken: Ct);

        Assert.Equal("postgres", catalog.ProviderFor(store).Name);
        Assert.Equal("sqlite", catalog.ProviderFor("other").Name);
        await using var direct = PostgresTestServer.CreateProvider(TimeProvider.System);
        var properties = await direct.GetBlobStore(store).GetPropertiesAsync("a.txt", Ct);
        Assert.Equal(11, properties!.Length);
    }
}
