using System.Diagnostics;
using System.Text;
using Aos.Azure.Storage;
using Aos.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Aos.Azure.Tests.Storage;

/// <summary>Checks what the conformance kit does not: unreachable accounts, names, and the Azure-specific queue encodings.</summary>
public sealed class AzureStorageProviderTests : IAsyncDisposable
{
    private const string Key = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=";

    private readonly AzureStorageTestAccount _account = new();
    private AzureStorageProvider? _provider;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            _provider.Dispose();
            await _account.DeleteAllAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Operations_UnreachableAccount_ThrowStorageUnavailableQuickly_NamingTheEndpointButNotTheKey()
    {
        const string endpoint = "http://127.0.0.1:9";
        using var provider = new AzureStorageProvider(new AzureStorageOptions
        {
            ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=aostest;AccountKey={Key};BlobEndpoint={endpoint}/aostest;QueueEndpoint={endpoint}/aostest;TableEndpoint={endpoint}/aostest",
        });
        var clock = Stopwatch.StartNew();

        var blob = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await provider.GetBlobStore("docs").GetPropertiesAsync("a", Ct));
        var table = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await provider.GetTableStore("docs").GetAsync("p", "r", Ct));
        var queue = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await provider.GetQueueStore("docs").EnqueueAsync("x", cancellationToken: Ct));
        var list = await Assert.ThrowsAsync<StorageUnavailableException>(async () =>
        {
            await foreach (var _ in provider.GetBlobStore("docs").ListAsync(cancellationToken: Ct))
            {
            }
        });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Failing took {clock.Elapsed}.");
        foreach (var error in new[] { blob, table, queue, list })
        {
            Assert.Equal("azure", error.Backend);
            Assert.Contains("127.0.0.1:9", error.Message);
            Assert.DoesNotContain(Key, error.Message);
            Assert.DoesNotContain("AccountKey", error.Message);
        }

        Assert.Contains("Blob Storage", blob.Message);
        Assert.Contains("Table Storage", table.Message);
        Assert.Contains("Queue Storage", queue.Message);
    }

    [Fact]
    public void GetDocumentStore_WithoutCosmos_ThrowsNotSupportedNamingTheOptionAndAlternatives()
    {
        using var provider = new AzureStorageProvider(new AzureStorageOptions { ConnectionString = "UseDevelopmentStorage=true" });

        var error = Assert.Throws<NotSupportedException>(() => provider.GetDocumentStore("orders"));

        Assert.Contains("Aos:Storage:Azure:CosmosConnectionString", error.Message);
        Assert.Contains("sqlite", error.Message);
        Assert.Contains("postgres", error.Message);
        Assert.Equal("azure", provider.Name);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsValidationNamingTheOption()
    {
        var error = Assert.Throws<AosValidationException>(() => new AzureStorageProvider(new AzureStorageOptions { Prefix = "Bad-Prefix" }));

        Assert.Contains("Aos:Storage:Azure:ConnectionString", error.Message);
        Assert.Contains("Aos:Storage:Azure:Prefix", error.Message);
    }

    [Fact]
    public void GetQueueStore_MaxDequeueCountBelowOne_ThrowsValidation()
    {
        using var provider = new AzureStorageProvider(new AzureStorageOptions { ConnectionString = "UseDevelopmentStorage=true" });

        Assert.Throws<AosValidationException>(() => provider.GetQueueStore("work", new QueueStoreOptions { MaxDequeueCount = 0 }));
    }

    [Theory]
    [InlineData("invoices", "aos-invoices", "aosinvoices")]
    [InlineData("audit-archive", "aos-audit-archive", "aos32auditarchive")]
    [InlineData("a-b-c", "aos-a-b-c", "aos6abc")]
    public void Names_MapToContainerQueueAndTableNames(string name, string container, string table)
    {
        Assert.Equal(container, AzureStorageNames.Container("aos", name));
        Assert.Equal(container, AzureStorageNames.Queue("aos", name));
        Assert.Equal(container + "-dead", AzureStorageNames.DeadLetterQueue("aos", name));
        Assert.Equal(table, AzureStorageNames.Table("aos", name));
    }

    [Fact]
    public void TableNames_AreDistinctForNamesThatDifferOnlyInHyphens_AndFitTheServiceLimit()
    {
        string[] names = ["abcd", "ab-cd", "a-bcd", "abc-d", "a-b-cd", "a-bc-d", "ab-c-d", "a-b-c-d", "abcd1", "a1bcd"];

        var tables = names.Select(n => AzureStorageNames.Table("aos", n)).ToList();

        Assert.Equal(names.Length, tables.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var longest = AzureStorageNames.Table("abcdefghij", string.Join("-", Enumerable.Repeat("a", 20)));
        Assert.True(longest.Length <= 63, longest);
        Assert.All(tables, t => Assert.True(t.All(char.IsAsciiLetterOrDigit) && char.IsAsciiLetter(t[0])));
    }

    [Theory]
    [InlineData("poison", 3)]
    [InlineData("", 1)]
    [InlineData("ünïcödé 🚀 \u0001 <xml/> & ; : 42:abc", 12)]
    public void DeadLetter_FormatThenParse_KeepsBodyAndCount(string body, int count)
    {
        var read = DeadLetter.Parse("id", DeadLetter.Format(body, count), DateTimeOffset.UnixEpoch, maxDequeueCount: 99);

        Assert.Equal(body, read.Body);
        Assert.Equal(count, read.DequeueCount);
        Assert.Null(read.PopReceipt);
    }

    [Fact]
    public void DeadLetter_LargestBodies_FitTheServiceLimit()
    {
        var text = new string('x', StorageValues.MaxQueueBodyBytes);
        var binary = "\u0001" + new string('x', StorageValues.MaxQueueBodyBytes - 1);

        var textForm = DeadLetter.Format(text, 5);
        var binaryForm = DeadLetter.Format(binary, 5);

        Assert.True(textForm.Length <= 64 * 1024);
        Assert.True(binaryForm.Length <= 64 * 1024);
        Assert.Equal((text, 5), Read(textForm));

        // No room for the count beside a body XML cannot carry: the store's maximum stands in for it.
        Assert.Equal((binary, 4), Read(binaryForm));

        static (string, int) Read(string form) => DeadLetter.Parse("id", form, DateTimeOffset.UnixEpoch, maxDequeueCount: 4) is var m ? (m.Body, m.DequeueCount) : default;
    }

    [Fact]
    public async Task Reads_OfStoresNeverWritten_FindNothing_AndCreateNoContainerTableOrQueue()
    {
        var provider = await OpenAsync();
        var blobs = provider.GetBlobStore("only-read");
        var table = provider.GetTableStore("onlyread");
        var queue = provider.GetQueueStore("only-read");

        Assert.Null(await blobs.GetAsync("a", Ct));
        Assert.Null(await blobs.GetPropertiesAsync("a", Ct));
        Assert.False(await blobs.DeleteAsync("a", cancellationToken: Ct));
        Assert.Empty(await blobs.ListAsync(cancellationToken: Ct).ToListAsync(Ct));
        await Assert.ThrowsAsync<StorageConflictException>(async () => await blobs.DeleteAsync("a", "\"0x8D000000000000\"", Ct));
        Assert.Null(await table.GetAsync("p", "r", Ct));
        Assert.False(await table.DeleteAsync("p", "r", cancellationToken: Ct));
        Assert.Empty(await table.QueryAsync("p", cancellationToken: Ct).ToListAsync(Ct));
        Assert.Empty(await queue.ReceiveAsync(5, TimeSpan.FromSeconds(30), Ct));
        Assert.Empty(await queue.PeekAsync(5, Ct));
        Assert.Empty(await queue.PeekDeadLettersAsync(5, Ct));
        Assert.Empty(await queue.ReceiveDeadLettersAsync(5, TimeSpan.FromSeconds(30), Ct));

        var service = AzureTestServices.StorageConnectionString;
        Assert.False((await new BlobContainerClient(service, $"{_account.Prefix}-only-read").ExistsAsync(Ct)).Value);
        Assert.False((await new QueueClient(service, $"{_account.Prefix}-only-read").ExistsAsync(Ct)).Value);
        Assert.False((await new QueueClient(service, $"{_account.Prefix}-only-read-dead").ExistsAsync(Ct)).Value);
        Assert.Empty(await new global::Azure.Data.Tables.TableServiceClient(service).QueryAsync(t => t.Name == $"{_account.Prefix}onlyread", cancellationToken: Ct).ToListAsync(Ct));

        // The first write creates what it needs, and reads find it from then on.
        await blobs.PutAsync("a", new MemoryStream([1, 2, 3]), cancellationToken: Ct);
        await table.UpsertAsync(new TableEntity("p", "r", new Dictionary<string, object?> { ["n"] = 1 }), Ct);
        await queue.EnqueueAsync("x", cancellationToken: Ct);
        Assert.Equal(3, (await blobs.GetPropertiesAsync("a", Ct))!.Length);
        Assert.NotNull(await table.GetAsync("p", "r", Ct));
        Assert.Equal("x", Assert.Single(await queue.PeekAsync(5, Ct)).Body);
    }

    [Fact]
    public async Task Queue_LargestArbitraryUtf8Body_RoundTripsThroughQueueAndDeadLetters()
    {
        var provider = await OpenAsync();
        var store = provider.GetQueueStore("big-bodies", new QueueStoreOptions { MaxDequeueCount = 1 });
        var unit = "ü🚀\u0001<&>\"'\r\n\0";
        var body = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(body.ToString()) + Encoding.UTF8.GetByteCount(unit) <= StorageValues.MaxQueueBodyBytes)
        {
            body.Append(unit);
        }

        await store.EnqueueAsync(body.ToString(), cancellationToken: Ct);
        var received = Assert.Single(await store.ReceiveAsync(1, TimeSpan.FromSeconds(1), Ct));
        Assert.Equal(body.ToString(), received.Body);

        // Waits for real: the visibility timeout runs on the service's clock.
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        Assert.Empty(await store.ReceiveAsync(1, TimeSpan.FromSeconds(1), Ct));
        var dead = Assert.Single(await store.PeekDeadLettersAsync(1, Ct));
        Assert.Equal(body.ToString(), dead.Body);
        Assert.Equal(1, dead.DequeueCount);
    }

    [Fact]
    public async Task Queue_ReceivedTooOften_IsDeadLetteredWithItsCount_WhileCompletedMessagesAreNot()
    {
        var provider = await OpenAsync();
        var store = provider.GetQueueStore("poison", new QueueStoreOptions { MaxDequeueCount = 2 });
        await store.EnqueueAsync("poison", cancellationToken: Ct);
        await store.EnqueueAsync("fine", cancellationToken: Ct);

        for (var i = 1; i <= 2; i++)
        {
            var received = await store.ReceiveAsync(10, TimeSpan.FromSeconds(1), Ct);
            Assert.Contains(received, m => m.Body == "poison" && m.DequeueCount == i);
            if (received.FirstOrDefault(m => m.Body == "fine") is { } fine)
            {
                await store.CompleteAsync(fine, Ct);
            }

            // Waits for real: the visibility timeout runs on the service's clock.
            await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        }

        Assert.Empty(await store.ReceiveAsync(10, TimeSpan.FromSeconds(1), Ct));
        Assert.Empty(await store.PeekAsync(10, Ct));
        var dead = Assert.Single(await store.PeekDeadLettersAsync(10, Ct));
        Assert.Equal("poison", dead.Body);
        Assert.Equal(2, dead.DequeueCount);
        Assert.Null(dead.PopReceipt);
    }

    [Fact]
    public async Task Tables_WithHyphenatedNames_WorkAndStaySeparate()
    {
        var provider = await OpenAsync();
        var hyphenated = provider.GetTableStore("audit-archive");
        var plain = provider.GetTableStore("auditarchive");

        var added = await hyphenated.AddAsync(new TableEntity("p", "r", new Dictionary<string, object?> { ["Whole"] = 2.0, ["Small"] = 2 }), Ct);

        Assert.Null(await plain.GetAsync("p", "r", Ct));
        var read = await hyphenated.GetAsync("p", "r", Ct);
        Assert.Equal(read!.Timestamp, added.Timestamp);
        Assert.IsType<double>(read.Properties["Whole"]);
        Assert.IsType<int>(read.Properties["Small"]);
    }

    private async Task<AzureStorageProvider> OpenAsync() => _provider = await _account.OpenAsync(TimeProvider.System);
}
