using System.Globalization;
using Aos.Storage;
using Azure;
using AzureTableEntity = Azure.Data.Tables.TableEntity;
using TableEntity = Aos.Storage.TableEntity;

namespace Aos.Azure.Storage;

internal sealed partial class AzureTableStore
{
    private static AzureTableEntity ToAzure(TableEntity entity)
    {
        var azure = new AzureTableEntity(entity.PartitionKey, entity.RowKey);
        foreach (var (name, value) in entity.Properties)
        {
            if (value is not null)
            {
                azure[name] = value is DateTimeOffset time ? time.ToUniversalTime() : value;
            }
        }

        return azure;
    }

    /// <summary>Converts an entity read from the service, with each value in the type it was written with.</summary>
    /// <remarks>The SDK reads Edm.Int32 as <see cref="int"/>, Edm.Int64 as <see cref="long"/>, Edm.Double as <see cref="double"/> (also when whole), Edm.DateTime as <see cref="DateTimeOffset"/>.</remarks>
    private static TableEntity FromAzure(AzureTableEntity azure)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in azure)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" || value is null)
            {
                continue;
            }

            properties[name] = value switch
            {
                DateTimeOffset time => time.ToUniversalTime(),
                DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
                BinaryData data => data.ToArray(),
                _ => value,
            };
        }

        return new TableEntity(azure.PartitionKey, azure.RowKey, properties) { ETag = azure.ETag.ToString(), Timestamp = azure.Timestamp?.ToUniversalTime() };
    }

    private static TableEntity Written(TableEntity entity, Response response)
    {
        var etag = response.Headers.ETag?.ToString();
        return entity with
        {
            Properties = entity.Properties.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value is DateTimeOffset time ? time.ToUniversalTime() : p.Value),
            ETag = etag,
            Timestamp = TimestampOf(etag) ?? response.Headers.Date?.ToUniversalTime(),
        };
    }

    /// <summary>Reads the write time the service puts in an entity's ETag (<c>W/"datetime'2026-11-30T08%3A10%3A43.2721212Z'"</c>), which is its Timestamp.</summary>
    private static DateTimeOffset? TimestampOf(string? etag)
    {
        const string Start = "W/\"datetime'";
        if (etag is null || !etag.StartsWith(Start, StringComparison.Ordinal) || !etag.EndsWith("'\"", StringComparison.Ordinal))
        {
            return null;
        }

        var text = Uri.UnescapeDataString(etag[Start.Length..^2]);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
    }

    /// <summary>Gets whether an entity read back holds exactly the non-null properties of one written, each of the same type and value.</summary>
    private static bool SameProperties(TableEntity current, TableEntity written)
    {
        var expected = written.Properties.Where(p => p.Value is not null).ToList();
        return current.Properties.Count == expected.Count && expected.All(p => current.Properties.TryGetValue(p.Key, out var value) && (value, p.Value) switch
        {
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (DateTimeOffset a, DateTimeOffset b) => a.UtcTicks == b.UtcTicks,
            var (a, b) => a!.GetType() == b!.GetType() && a.Equals(b),
        });
    }
}
