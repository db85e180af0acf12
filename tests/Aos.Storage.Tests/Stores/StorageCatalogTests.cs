using System.Text;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Storage.Tests.Stores;

public sealed class StorageCatalogTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly SqliteStores _stores = new();

    public ValueTask DisposeAsync() => _stores.DisposeAsync();

    private StorageCatalog Catalog(StorageOptions? options = null, params IStorageProvider[] more) =>
        new([_stores.Open(new FakeTimeProvider()), .. more], Options.Create(options ?? new StorageOptions()));

    [Fact]
    public async Task ForAgent_TwoAgents_SeeOnlyTheirOwnData()
    {
        var catalog = Catalog();
        var alice = catalog.ForAgent(AgentId.Parse("alice"));
        var bob = catalog.ForAgent(AgentId.Parse("bob"));

        await alice.Blobs("notes").PutAsync("plan.txt", new MemoryStream(Encoding.UTF8.GetBytes("secret")), cancellationToken: Ct);
        await alice.Tables("crm").AddAsync(new TableEntity("p", "r"), Ct);
        await alice.Queues("work").EnqueueAsync("job", cancellationToken: Ct);
        await alice.Documents("docs").AddAsync("contacts", "p", "d", System.Text.Json.JsonDocument.Parse("{}").RootElement, Ct);

        Assert.Null(await bob.Blobs("notes").GetPropertiesAsync("plan.txt", Ct));
        Assert.Null(await bob.Tables("crm").GetAsync("p", "r", Ct));
        Assert.Empty(await bob.Queues("work").PeekAsync(10, Ct));
        Assert.Null(await bob.Documents("docs").GetAsync("contacts", "p", "d", Ct));
        Assert.Null(await catalog.GetBlobStore("notes").GetPropertiesAsync("plan.txt", Ct));
        Assert.NotNull(await alice.Blobs("notes").GetPropertiesAsync("plan.txt", Ct));
        Assert.Single(await alice.Queues("work").PeekAsync(10, Ct));
    }

    [Fact]
    public async Task ForTenant_TwoTenants_AndAnAgentOfOne_SeeOnlyTheirOwnPart()
    {
        var catalog = Catalog();
        var acme = catalog.ForTenant("acme");
        var globex = catalog.ForTenant("globex");
        var agent = catalog.ForAgent(AgentId.Parse("acme"));

        await acme.Blobs("ledger").PutAsync("q3.txt", new MemoryStream(Encoding.UTF8.GetBytes("closed")), cancellationToken: Ct);
        await acme.Tables("crm").AddAsync(new TableEntity("p", "r"), Ct);

        Assert.NotNull(await catalog.ForTenant("acme").Blobs("ledger").GetPropertiesAsync("q3.txt", Ct));
        Assert.Null(await globex.Blobs("ledger").GetPropertiesAsync("q3.txt", Ct));
        Assert.Null(await globex.Tables("crm").GetAsync("p", "r", Ct));
        Assert.Null(await agent.Blobs("ledger").GetPropertiesAsync("q3.txt", Ct));
        Assert.Null(await catalog.GetBlobStore("ledger").GetPropertiesAsync("q3.txt", Ct));
        Assert.Equal("tenant", Assert.Throws<AosValidationException>(() => catalog.ForTenant("Not A Tenant")).Field);
    }

    [Fact]
    public void ForAgent_StoreNameLongerThanTheAgentLimit_ThrowsValidation()
    {
        var agent = Catalog().ForAgent(AgentId.Parse("alice"));

        var error = Assert.Throws<AosValidationException>(() => agent.Blobs(new string('a', StorageCatalog.MaxAgentStoreNameLength + 1)));

        Assert.True(error.TooLarge);
        Assert.NotNull(agent.Blobs(new string('a', StorageCatalog.MaxAgentStoreNameLength)));
    }

    [Fact]
    public async Task GetQueueStore_UsesTheConfiguredDequeueCount_AlsoForAgentsAndTenants()
    {
        var time = new FakeTimeProvider();
        var options = new StorageOptions();
        options.Stores["work"] = new NamedStoreOptions { MaxDequeueCount = 1 };
        var catalog = new StorageCatalog([_stores.Open(time)], Options.Create(options));

        foreach (var queue in new[] { catalog.GetQueueStore("work"), catalog.ForAgent(AgentId.Parse("alice")).Queues("work"), catalog.ForTenant("acme").Queues("work") })
        {
            await queue.EnqueueAsync("job", cancellationToken: Ct);
            Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1), Ct));
            time.Advance(TimeSpan.FromSeconds(2));
            Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1), Ct));
            Assert.Single(await queue.PeekDeadLettersAsync(10, Ct));
        }
    }

    [Fact]
    public void ProviderFor_UnregisteredBackend_SaysWhatIsRegistered()
    {
        var options = new StorageOptions();
        options.Stores["archive"] = new NamedStoreOptions { Backend = "postgres" };

        var error = Assert.Throws<InvalidOperationException>(() => Catalog(options).GetBlobStore("archive"));

        Assert.Contains("postgres", error.Message, StringComparison.Ordinal);
        Assert.Contains("sqlite", error.Message, StringComparison.Ordinal);
        Assert.Equal("sqlite", Catalog(options).ProviderFor("other").Name);
    }

    [Fact]
    public void AddAosStorage_BadConfiguration_FailsValidationNamingTheOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aos:Storage:DefaultBackend"] = "mongo",
            ["Aos:Storage:Stores:Bad_Name:Backend"] = "sqlite",
            ["Aos:Storage:Stores:archive:Backend"] = "azure",
            ["Aos:Storage:Stores:work:MaxDequeueCount"] = "0",
        }).Build();
        using var services = new ServiceCollection()
            .AddAosSqlite(o => o.DataDirectory = _stores.DataDirectory)
            .AddAosStorage(configuration)
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Aos:Storage:DefaultBackend", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Aos:Storage:Stores:Bad_Name", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Aos:Storage:Stores:archive:Backend", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Aos:Storage:Stores:work:MaxDequeueCount", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddAosStorage_Defaults_ResolveTheEmbeddedBackend()
    {
        await using var services = new ServiceCollection()
            .AddAosSqlite(o => o.DataDirectory = _stores.DataDirectory)
            .AddAosStorage()
            .AddAosStorage()
            .BuildServiceProvider();

        var catalog = services.GetRequiredService<StorageCatalog>();

        Assert.Equal(["sqlite"], catalog.Backends);
        Assert.Single(services.GetServices<IStorageProvider>());
        var put = await catalog.GetBlobStore("files").PutAsync("a", new MemoryStream([1]), cancellationToken: Ct);
        Assert.Equal(1, put.Length);
    }
}
