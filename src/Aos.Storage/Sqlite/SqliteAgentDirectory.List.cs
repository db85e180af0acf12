using System.Text;
using Aos.Registry;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteAgentDirectory
{
    /// <inheritdoc />
    /// <remarks>Pages are read by key (<c>id &gt; after</c>), so every page costs the same however deep it is and no agent is skipped or repeated while others are added.</remarks>
    public async Task<AgentPage> ListAsync(AgentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AgentQuery.MaxLimit)
        {
            throw new AosValidationException($"The page size is {query.Limit}; use 1 to {AgentQuery.MaxLimit}.") { Field = "limit" };
        }

        if (query.Status is { } status && !Enum.IsDefined(status))
        {
            throw new AosValidationException($"Agent status {(int)status} is not one of {string.Join(", ", Enum.GetNames<Agents.AgentStatus>())}.") { Field = "status" };
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var items = await _schema.Database.ReadAsync(query, static (connection, query) =>
        {
            var command = SqliteCommandCache.Get(connection, ListSqls[ListShape(query)], "$after", "$take", "$type", "$cap", "$status", "$tenant");
            command.Parameters[0].Value = query.After ?? string.Empty;
            command.Parameters[1].Value = query.Limit + 1;
            command.Parameters[2].Value = (object?)query.Type ?? DBNull.Value;
            command.Parameters[3].Value = (object?)query.Capability ?? DBNull.Value;
            command.Parameters[4].Value = query.Status is { } s ? (int)s : DBNull.Value;
            command.Parameters[5].Value = (object?)query.Tenant ?? DBNull.Value;
            var records = new List<AgentRecord>(Math.Min(query.Limit + 1, 128));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                records.Add(ReadRecord(reader));
            }

            return records;
        }, cancellationToken).ConfigureAwait(false);

        if (items.Count <= query.Limit)
        {
            return new AgentPage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new AgentPage(items, items[^1].Descriptor.Id.Value);
    }

    private const int ByTenant = 8;
    private const int ByCapability = 4;
    private const int ByType = 2;
    private const int ByStatus = 1;

    /// <summary>Holds the page query for each combination of filters, indexed by <see cref="ListShape"/>.</summary>
    private static readonly string[] ListSqls = [.. Enumerable.Range(0, 16).Select(ListSql)];

    private static int ListShape(AgentQuery query) =>
        (query.Tenant is null ? 0 : ByTenant) | (query.Capability is null ? 0 : ByCapability) | (query.Type is null ? 0 : ByType) | (query.Status is null ? 0 : ByStatus);

    private static string ListSql(int shape)
    {
        var sql = new StringBuilder("SELECT a.id, a.status, a.status_reason, a.silo, a.descriptor FROM ");
        string id;
        if ((shape & ByCapability) == 0)
        {
            sql.Append("agents AS a WHERE a.id > $after");
            id = "a.id";
        }
        else
        {
            // Walk the capability index in id order and look each agent up, rather than scan agents for the capability.
            sql.Append("agent_capabilities AS c CROSS JOIN agents AS a ON a.id = c.agent_id WHERE c.capability = $cap AND c.agent_id > $after");
            id = "c.agent_id";
        }

        if ((shape & ByTenant) != 0)
        {
            sql.Append(" AND a.tenant = $tenant");
        }

        if ((shape & ByType) != 0)
        {
            sql.Append(" AND a.type = $type");
        }

        if ((shape & ByStatus) != 0)
        {
            sql.Append(" AND a.status = $status");
        }

        return sql.Append(" ORDER BY ").Append(id).Append(" LIMIT $take;").ToString();
    }
}
