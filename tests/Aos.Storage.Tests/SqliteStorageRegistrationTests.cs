using Aos.Registry;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Aos.Storage.Tests;

public sealed class SqliteStorageRegistrationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task AddAosSqliteStorage_Resolves_DirectoryJournalAndOneSharedDatabase()
    {
        var services = new ServiceCollection().AddAosSqliteStorage(o => o.DataDirectory = _directory.Path);
        await using var provider = services.BuildServiceProvider();

        var database = provider.GetRequiredService<SqliteDatabase>();

        Assert.IsType<SqliteAgentDirectory>(provider.GetRequiredService<IAgentDirectory>());
        Assert.IsType<SqliteAgentJournal>(provider.GetRequiredService<IAgentJournal>());
        Assert.Same(database, provider.GetRequiredService<SqliteDatabase>());
        Assert.Equal(Path.Combine(_directory.Path, "aos.db"), database.DatabasePath);
    }

    [Fact]
    public async Task AddAosSqliteStorage_ExistingDirectoryRegistration_IsKept()
    {
        var custom = new InMemoryDirectory();
        var services = new ServiceCollection().AddSingleton<IAgentDirectory>(custom).AddAosSqliteStorage(o => o.DataDirectory = _directory.Path);
        await using var provider = services.BuildServiceProvider();

        Assert.Same(custom, provider.GetRequiredService<IAgentDirectory>());
    }

    [Fact]
    public async Task AddAosSqliteStorage_NoDataDirectory_FailsNamingTheOption()
    {
        var services = new ServiceCollection().AddAosSqliteStorage(o => o.MaxBatchSize = 10);
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SqliteDatabase>());

        Assert.Contains("DataDirectory", error.Message);
    }

    [Fact]
    public async Task AddSqliteGrainStorage_ProvidersWithSameDirectory_ShareOneDatabase()
    {
        var silo = NewSilo();
        silo.Services.AddAosSqliteStorage(o => o.DataDirectory = _directory.Path);
        silo.AddSqliteGrainStorage("a", o => o.DataDirectory = _directory.Path);
        silo.AddSqliteGrainStorage("b", o => o.DataDirectory = _directory.Path + Path.DirectorySeparatorChar);
        silo.AddSqliteGrainStorage("c");
        await using var provider = silo.Services.BuildServiceProvider();

        var a = Assert.IsType<SqliteGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("a"));
        var b = Assert.IsType<SqliteGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("b"));
        var c = Assert.IsType<SqliteGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("c"));

        Assert.Same(a.Database, b.Database);
        Assert.Same(a.Database, c.Database);
        Assert.Same(a.Database, provider.GetRequiredService<SqliteDatabase>());
    }

    [Fact]
    public async Task AddSqliteGrainStorage_DifferentDirectories_GetDifferentDatabases()
    {
        var silo = NewSilo();
        silo.AddSqliteGrainStorage("a", o => o.DataDirectory = Path.Combine(_directory.Path, "a"));
        silo.AddSqliteGrainStorage("b", o => o.DataDirectory = Path.Combine(_directory.Path, "b"));
        await using var provider = silo.Services.BuildServiceProvider();

        var a = (SqliteGrainStorage)provider.GetRequiredKeyedService<IGrainStorage>("a");
        var b = (SqliteGrainStorage)provider.GetRequiredKeyedService<IGrainStorage>("b");

        Assert.NotSame(a.Database, b.Database);
    }

    [Fact]
    public async Task AddSqliteGrainStorageAsDefault_ResolvesAsTheDefaultGrainStorage()
    {
        var silo = NewSilo();
        silo.AddSqliteGrainStorageAsDefault(o => o.DataDirectory = _directory.Path);
        await using var provider = silo.Services.BuildServiceProvider();

        var keyed = provider.GetRequiredKeyedService<IGrainStorage>("Default");

        Assert.IsType<SqliteGrainStorage>(keyed);
        Assert.Same(keyed, provider.GetRequiredService<IGrainStorage>());
    }

    [Fact]
    public async Task AddSqliteGrainStorage_SerializerNotConfigured_UsesTheOneOrleansRegisters()
    {
        var silo = NewSilo();
        silo.AddSqliteGrainStorage("a", o => o.DataDirectory = _directory.Path);
        await using var provider = silo.Services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get("a");

        Assert.Same(provider.GetRequiredService<IGrainStorageSerializer>(), options.GrainStorageSerializer);
    }

    [Fact]
    public async Task UseSqliteReminderService_RegistersTheTableOnTheSharedDatabase()
    {
        var silo = NewSilo();
        silo.Services.AddAosSqliteStorage(o => o.DataDirectory = _directory.Path);
        silo.UseSqliteReminderService();
        await using var provider = silo.Services.BuildServiceProvider();

        var table = Assert.IsType<SqliteReminderTable>(provider.GetRequiredService<IReminderTable>());

        Assert.Same(provider.GetRequiredService<SqliteDatabase>(), table.Database);
    }

    public void Dispose() => _directory.Dispose();

    private static FakeSiloBuilder NewSilo()
    {
        var silo = new FakeSiloBuilder();
        silo.Services.AddSerializer();
        silo.Services.AddSingleton<IGrainStorageSerializer>(sp => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));
        return silo;
    }

    private sealed class InMemoryDirectory : IAgentDirectory
    {
        public Task<IReadOnlyList<AgentId>> AddAsync(IReadOnlyList<Agents.AgentDescriptor> descriptors, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AgentRecord?> GetAsync(AgentId id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> RemoveAsync(AgentId id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AgentPage> ListAsync(AgentQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<AgentId>> GetSubscribersAsync(string tenant, string topic, string? messageType, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task SetStatusAsync(AgentId id, Agents.AgentStatus status, string? reason, string? silo, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<int> ResetStaleActiveAsync(IReadOnlyCollection<string> liveSilos, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> SubscribeAsync(AgentId id, string pattern, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> UnsubscribeAsync(AgentId id, string pattern, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<AgentId>> ListIdsAsync(string tenant, string prefix, string? after, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AgentRecord> SetGrantsAsync(AgentId id, Agents.AgentGrants grants, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
