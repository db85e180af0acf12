using Aos.Messaging;
using Azure.Messaging.ServiceBus;

namespace Aos.Azure.Messaging;

/// <summary>Configures the Azure Service Bus message transport: its queue, and the Table Storage table that holds its ledger.</summary>
/// <remarks>
/// The transport keeps each accepted message in the queue <see cref="QueueName"/> and its status in the table <see cref="TableName"/>.
/// Retries, expiry and inbox capacity come from <see cref="MessageBusOptions"/>. Exactly one running transport may use a queue and a
/// table at a time: give each node its own. Bound from <c>Aos:Azure:ServiceBus:Transport</c>. Connection strings are secrets: they
/// are never logged or put in error messages.
/// </remarks>
public sealed class ServiceBusMessageTransportOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Azure:ServiceBus:Transport";

    /// <summary>Gets or sets the connection string of the Service Bus namespace (<c>Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…</c>).</summary>
    /// <value>The default is <see langword="null"/>; it must be set.</value>
    public string? ServiceBusConnectionString { get; set; }

    /// <summary>Gets or sets the name of the queue that holds the messages.</summary>
    /// <value>The default is <c>aos-messages</c>.</value>
    public string QueueName { get; set; } = "aos-messages";

    /// <summary>Gets or sets a value indicating whether the transport creates the queue at start when it does not exist (this needs the <c>Manage</c> right).</summary>
    /// <remarks>A created queue has duplicate detection on, with a window of <see cref="DuplicateDetectionWindow"/>.</remarks>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CreateQueue { get; set; } = true;

    /// <summary>Gets or sets how long Service Bus recognises a re-sent message by its id, on a queue the transport creates.</summary>
    /// <remarks>Duplicate detection of the bus does not depend on it: the ledger remembers every message it holds.</remarks>
    /// <value>The default is 10 minutes.</value>
    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the connection string of the storage account whose Table service holds the ledger.</summary>
    /// <value>The default is <see langword="null"/>; it must be set (<c>UseDevelopmentStorage=true</c> for Azurite).</value>
    public string? TableConnectionString { get; set; }

    /// <summary>Gets or sets the name of the table that holds the ledger; the transport creates it when it does not exist.</summary>
    /// <value>The default is <c>AosMessageLedger</c>.</value>
    public string TableName { get; set; } = "AosMessageLedger";

    /// <summary>Checks the options and lists what is wrong, naming each option; connection strings are never echoed.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ServiceBusConnectionString))
        {
            yield return $"{SectionName}:ServiceBusConnectionString is not set; use the connection string of the Service Bus namespace.";
        }
        else if (!IsServiceBusConnectionString(ServiceBusConnectionString))
        {
            yield return $"{SectionName}:ServiceBusConnectionString is not a Service Bus connection string; use 'Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…'.";
        }

        if (string.IsNullOrEmpty(QueueName) || QueueName.Length > 260 || !QueueName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
            || !char.IsAsciiLetterOrDigit(QueueName[0]) || !char.IsAsciiLetterOrDigit(QueueName[^1]))
        {
            yield return $"{SectionName}:QueueName is '{QueueName}'; use 1 to 260 letters, digits, '.', '-' or '_', starting and ending with a letter or digit.";
        }

        if (DuplicateDetectionWindow < TimeSpan.FromSeconds(20) || DuplicateDetectionWindow > TimeSpan.FromDays(7))
        {
            yield return $"{SectionName}:DuplicateDetectionWindow is {DuplicateDetectionWindow}; use 20 seconds to 7 days.";
        }

        if (string.IsNullOrWhiteSpace(TableConnectionString))
        {
            yield return $"{SectionName}:TableConnectionString is not set; use the connection string of a storage account ('UseDevelopmentStorage=true' for Azurite).";
        }

        if (string.IsNullOrEmpty(TableName) || TableName.Length is < 3 or > 63 || !char.IsAsciiLetter(TableName[0]) || !TableName.All(char.IsAsciiLetterOrDigit)
            || TableName.Equals("tables", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{SectionName}:TableName is '{TableName}'; use 3 to 63 letters and digits, starting with a letter.";
        }
    }

    private static bool IsServiceBusConnectionString(string connectionString)
    {
        try
        {
            return ServiceBusConnectionStringProperties.Parse(connectionString).Endpoint is not null;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
