using System.Net;
using System.Text.Json;
using Aos.Postgres.Storage;
using Aos.Storage;
using Npgsql;

namespace Aos.Postgres.Tests.Faults;

/// <summary>Takes the real server away behind a proxy and brings it back: clear errors, nothing half-written, recovery without a restart.</summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TcpProxy _proxy = null!;
    private PostgresStorageProvider _provider = null!;

    public async ValueTask InitializeAsync()
    {
        await PostgresTestServer.RequireAsync();
        var server = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString);
        var address = (await Dns.GetHostAddressesAsync(server.Host!, Ct)).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        _proxy = new TcpProxy(new IPEndPoint(address, server.Port));
        _proxy.Start();
        var viaProxy = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { Host = "127.0.0.1", Port = _proxy.Port, Timeout = 3, Pooling = false };
        _provider = new PostgresStorageProvider(new PostgresStorageOptions { ConnectionString = viaProxy.ConnectionString, Schema = PostgresTestServer.SharedSchema });
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }
    }

    [Fact]
    public async Task ServerDownThenBack_FailsClearlyWithoutPartialWrites_ThenRecoversByItself()
    {
        var documents = _provider.GetDocumentStore("o" + Guid.NewGuid().ToString("N")[..12]);
        var before = await documents.AddAsync("orders", "p", "kept", JsonDocument.Parse("""{"v":1}""").RootElement, Ct);
        await _provider.CheckHealthAsync(Ct);

        await _proxy.StopAsync();
        var health = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await _provider.CheckHealthAsync(Ct));
        var write = await Assert.ThrowsAsync<StorageUnavailableException>(async () =>
            await documents.UpsertAsync("orders", "p", "kept", JsonDocument.Parse("""{"v":2}""").RootElement, before.ETag, Ct));

        Assert.Equal("postgres", health.Backend);
        Assert.Contains($"127.0.0.1:{_proxy.Port}", write.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", write.Message, StringComparison.OrdinalIgnoreCase);

        _proxy.Start();
        await _provider.CheckHealthAsync(Ct);
        var after = await documents.GetAsync("orders", "p", "kept", Ct);
        Assert.Equal(before.ETag, after!.ETag);
        Assert.Equal(1, after.Document.GetProperty("v").GetInt32());
        var updated = await documents.UpsertAsync("orders", "p", "kept", JsonDocument.Parse("""{"v":3}""").RootElement, before.ETag, Ct);
        Assert.NotEqual(before.ETag, updated.ETag);
    }
}
