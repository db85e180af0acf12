using System.Text.Json;
using Aos.Storage;
using Microsoft.Azure.Cosmos;

namespace Aos.Azure.Storage;

internal sealed partial class CosmosDocumentStore
{
    /// <summary>Writes the item that holds a document.</summary>
    private static MemoryStream Item(string partitionKey, string id, JsonElement document)
    {
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("pk", partitionKey);
            writer.WritePropertyName("doc");
            document.WriteTo(writer);
            writer.WriteEndObject();
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>Reads the item of a successful read response.</summary>
    private static async Task<StoredDocument> ReadItemAsync(ResponseMessage response, CancellationToken cancellationToken)
    {
        using var json = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
        return FromItem(json.RootElement);
    }

    /// <summary>Converts an item (with its <c>_etag</c>) to the stored document.</summary>
    private static StoredDocument FromItem(JsonElement item) =>
        new(item.GetProperty("pk").GetString()!, item.GetProperty("id").GetString()!, item.GetProperty("doc").Clone(), item.GetProperty("_etag").GetString()!);

    private static StoredDocument Written(string partitionKey, string id, JsonElement document, ResponseMessage response) =>
        new(partitionKey, id, document.Clone(), response.Headers.ETag);

    /// <summary>Returns a response that succeeded; throws for one that did not, as unavailable when the service failed.</summary>
    private static ResponseMessage Succeeded(ResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        // Stream operations report failures in the response; EnsureSuccessStatusCode turns them into the CosmosException AzureFaults knows.
        return response.EnsureSuccessStatusCode();
    }
}
