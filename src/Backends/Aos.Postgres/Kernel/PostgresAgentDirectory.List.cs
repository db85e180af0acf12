using System.Text;
using Aos.Agents;
using Aos.Postgres.Storage;
using Aos.Registry;

namespace Aos.Postgres.Kernel;

internal sealed partial class PostgresAgentDirectory
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
            throw new AosValidationException($"Agent status {(int)status} is not one of {string.Join(", ", Enum.GetNames<AgentStatus>())}.") { Field = "status" };
        }

        var (sql, parameters) = ListSql(query);
        var items = await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                await using var command = connection.Command(sql, parameters);
                await using var reader = await command.ExecuteReaderAsync(token);
                var records = new List<AgentRecord>(Math.Min(query.Limit + 1, 128));
                while (await reader.ReadAsync(token))
                {
                    records.Add(ReadRecord(reader));
                }

                return records;
            },
            cancellationToken);

        if (items.Count <= query.Limit)
        {
            return new AgentPage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new AgentPage(items, items[^1].Descriptor.Id.Value);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AgentId>> ListIdsAsync(string tenant, string prefix, string? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                // id >= prefix starts the index scan at the prefix; starts_with ends it.
                await using var command = connection.Command(
                    $"SELECT id FROM {_agents} WHERE tenant = $4 AND id > $1 AND id >= $2 AND starts_with(id, $2) ORDER BY id LIMIT $3", after ?? string.Empty, prefix, limit, tenant);
                await using var reader = await command.ExecuteReaderAsync(token);
                var ids = new List<AgentId>();
                while (await reader.ReadAsync(token))
                {
                    ids.Add(AgentId.Parse(reader.GetString(0)));
                }

                return (IReadOnlyList<AgentId>)ids;
            },
            cancellationToken);
    }

    /// <summary>Builds the page query and its parameters: the filters that are set, in order, then the page's start and size.</summary>
    private (string Sql, object?[] Parameters) ListSql(AgentQuery query)
    {
        var parameters = new List<object?>();
        string Next(object value)
        {
            parameters.Add(value);
            return "$" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var sql = new StringBuilder($"SELECT {Columns} FROM ");
        string id;
        if (query.Capability is null)
        {
            sql.Append(_agents).Append(" AS a WHERE TRUE");
            id = "a.id";
        }
        else
        {
            // Walk the capability index in id order and look each agent up, rather than scan agents for the capability.
            sql.Append(_capabilities).Append(" AS c JOIN ").Append(_agents).Append(" AS a ON a.id = c.agent_id WHERE c.capability = ").Append(Next(query.Capability));
            id = "c.agent_id";
        }

        if (query.Tenant is not null)
        {
            sql.Append(" AND a.tenant = ").Append(Next(query.Tenant));
        }

        if (query.Type is not null)
        {
            sql.Append(" AND a.type = ").Append(Next(query.Type));
        }

        if (query.Status is { } status)
        {
            sql.Append(" AND a.status = ").Append(Next((int)status));
        }

        sql.Append(" AND ").Append(id).Append(" > ").Append(Next(query.After ?? string.Empty));
        sql.Append(" ORDER BY ").Append(id).Append(" LIMIT ").Append(Next(query.Limit + 1));
        return (sql.ToString(), [.. parameters]);
    }
}
