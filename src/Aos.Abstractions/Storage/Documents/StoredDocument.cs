using System.Text.Json;

namespace Aos.Storage;

/// <summary>Represents a document of an <see cref="IDocumentStore"/> as read or written.</summary>
/// <param name="PartitionKey">The partition key.</param>
/// <param name="Id">The document's id, unique within the partition.</param>
/// <param name="Document">The document, a JSON object.</param>
/// <param name="ETag">The document's version.</param>
public sealed record StoredDocument(string PartitionKey, string Id, JsonElement Document, string ETag);
