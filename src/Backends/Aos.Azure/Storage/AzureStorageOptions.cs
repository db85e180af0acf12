using System.Data.Common;
using Azure.Storage.Blobs;

namespace Aos.Azure.Storage;

/// <summary>Configures the Azure storage provider: the storage account that keeps blobs, tables and queues, and the Cosmos DB account that keeps documents.</summary>
/// <remarks>
/// Every container, table, queue and database the provider creates is named <see cref="Prefix"/> followed by the store's name, so several
/// deployments can share an account with different prefixes. Bound from <c>Aos:Storage:Azure</c>. Connection strings are secrets: they are
/// never logged or put in error messages.
/// </remarks>
public sealed class AzureStorageOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Storage:Azure";

    /// <summary>Gets the longest <see cref="Prefix"/>.</summary>
    public const int MaxPrefixLength = 10;

    /// <summary>Gets or sets the connection string of the storage account whose Blob, Table and Queue services keep the stores.</summary>
    /// <value>The default is <see langword="null"/>; it must be set (<c>UseDevelopmentStorage=true</c> for Azurite).</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the connection string of the Cosmos DB account that keeps document stores (<c>AccountEndpoint=…;AccountKey=…</c>).</summary>
    /// <value>The default is <see langword="null"/>: the provider keeps no document stores.</value>
    public string? CosmosConnectionString { get; set; }

    /// <summary>Gets or sets the prefix of the names of the containers, tables, queues and databases the provider creates.</summary>
    /// <value>1 to 10 lowercase ASCII letters and digits, starting with a letter. The default is <c>aos</c>.</value>
    public string Prefix { get; set; } = "aos";

    /// <summary>Checks the options and lists what is wrong, naming each option; connection strings are never echoed.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{SectionName}:ConnectionString is not set; use the connection string of a storage account ('UseDevelopmentStorage=true' for Azurite).";
        }
        else if (!IsStorageConnectionString(ConnectionString))
        {
            yield return $"{SectionName}:ConnectionString is not a storage account connection string; use 'DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net' or 'UseDevelopmentStorage=true'.";
        }

        if (CosmosConnectionString is not null && !IsCosmosConnectionString(CosmosConnectionString))
        {
            yield return $"{SectionName}:CosmosConnectionString is not a Cosmos DB connection string; use 'AccountEndpoint=https://<account>.documents.azure.com:443/;AccountKey=…', or leave it unset to keep documents elsewhere.";
        }

        if (string.IsNullOrEmpty(Prefix) || Prefix.Length > MaxPrefixLength || !char.IsAsciiLetterLower(Prefix[0])
            || !Prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            yield return $"{SectionName}:Prefix is '{Prefix}'; use 1 to {MaxPrefixLength} lowercase letters and digits, starting with a letter (for example 'aos' or 'aosprod').";
        }
    }

    private static bool IsStorageConnectionString(string connectionString)
    {
        try
        {
            // Parsing is all the constructor does: no request is sent.
            _ = new BlobServiceClient(connectionString);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsCosmosConnectionString(string connectionString)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            return builder.TryGetValue("AccountEndpoint", out var endpoint) && Uri.TryCreate(endpoint as string, UriKind.Absolute, out _)
                && builder.TryGetValue("AccountKey", out var key) && key is string { Length: > 0 };
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
