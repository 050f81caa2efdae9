using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Cumin.Orleans.DynamoDB;

/// <summary>
/// Orleans grain storage on DynamoDB. Each state is one item whose top-level attributes are the state's JSON
/// properties as native DynamoDB values, next to the key attributes and a numeric <c>etag</c>; writes are conditional
/// on that etag (optimistic concurrency), reads are strongly consistent.
/// </summary>
public sealed partial class DynamoDBGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private const string ETag = DynamoDBGrainStorageOptions.ETagAttributeName;
    private const string NoETagCondition = "attribute_not_exists(#etag)";
    private const string ETagMatchesCondition = "#etag = :etag";

    private readonly string _name;
    private readonly DynamoDBGrainStorageOptions _options;
    private readonly IAmazonDynamoDB _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly IActivatorProvider? _activators;
    private readonly Dictionary<string, DynamoDBTableBinding> _tables;
    private readonly DynamoDBTableBinding? _defaultTable;
    private readonly DynamoDBStorageErrors _errors;

    /// <summary>Creates the provider named <paramref name="name"/> on <paramref name="client"/>, which the caller keeps owning.</summary>
    public DynamoDBGrainStorage(
        string name,
        DynamoDBGrainStorageOptions options,
        IAmazonDynamoDB client,
        ILogger<DynamoDBGrainStorage> logger,
        TimeProvider? timeProvider = null,
        IActivatorProvider? activatorProvider = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);

        _name = name;
        _options = options;
        _client = client;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _activators = activatorProvider;
        _tables = options.Tables.ToDictionary(
            pair => pair.Key,
            pair => new DynamoDBTableBinding(pair.Value, options.TablePrefix),
            StringComparer.Ordinal);
        _defaultTable = options.DefaultTable is { } defaultTable ? new DynamoDBTableBinding(defaultTable, options.TablePrefix) : null;
        _errors = new DynamoDBStorageErrors(logger);
    }

    /// <summary>Whether <see cref="Dispose"/> disposes the client (one this provider built itself).</summary>
    internal bool OwnsClient { get; set; }

    internal IEnumerable<DynamoDBTableBinding> Tables =>
        _defaultTable is null ? _tables.Values : _tables.Values.Append(_defaultTable);

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(OptionFormattingUtilities.Name<DynamoDBGrainStorage>(_name), _options.InitStage, OnStartAsync);

    /// <inheritdoc />
    public void Dispose()
    {
        // Not on silo stop: grains deactivating after this provider's stage still write their state.
        if (OwnsClient)
        {
            _client.Dispose();
        }
    }

    /// <summary>Creates the missing tables of every mapping and waits until they are ACTIVE.</summary>
    internal Task EnsureTablesAsync(CancellationToken cancellationToken) =>
        new DynamoDBTableCreator(_client, _logger, _timeProvider, _options.TableActivationTimeout).EnsureTablesAsync(Tables, cancellationToken);

    private async Task OnStartAsync(CancellationToken cancellationToken)
    {
        if (!_options.CreateTables)
        {
            return;
        }

        var started = _timeProvider.GetTimestamp();
        await EnsureTablesAsync(cancellationToken);
        LogTablesReady(_logger, _name, _timeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var table = Table(stateName);
        var shape = table.Shape<T>(stateName, _options.JsonSerializerOptions, _activators);
        long size = 0;
        var request = new GetItemRequest
        {
            TableName = table.TableName,
            Key = table.Key(grainId, stateName, ref size),
            ConsistentRead = true,
        };

        GetItemResponse response;
        try
        {
            response = await _client.GetItemAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw _errors.Failure(exception, "read", stateName, grainId, table.TableName);
        }

        var item = response.Item;
        if (item is null || item.Count == 0)
        {
            grainState.State = shape.CreateDefault();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.ETag = item.TryGetValue(ETag, out var etag) ? etag.N : null;
        if (shape.TryReadState(item, out var state))
        {
            grainState.State = state;
            grainState.RecordExists = true;
        }
        else
        {
            // A cleared item: keys and etag only. The etag stays, so the next write is still checked against it.
            grainState.State = shape.CreateDefault();
            grainState.RecordExists = false;
        }
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var table = Table(stateName);
        var shape = table.Shape<T>(stateName, _options.JsonSerializerOptions, _activators);
        var expected = DynamoDBStorageErrors.ParseETag(grainState.ETag, stateName, grainId);

        long size = 0;
        var item = table.Key(grainId, stateName, ref size, shape.AttributeCountHint);
        shape.AddState(grainState.State, stateName, item, ref size);
        var next = AddNextETag(table, item, expected, ref size);
        shape.AttributeCountHint = item.Count;

        if (size > DynamoDBAttributeJson.MaxItemSize)
        {
            throw _errors.TooLarge(stateName, grainId, table.TableName, size);
        }

        await WriteConditionallyAsync(table, item, expected, delete: false, "write", stateName, grainId, cancellationToken);
        grainState.ETag = next;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    /// <remarks>
    /// With <see cref="DynamoDBTableMapping.DeleteStateOnClear"/> the item is deleted. Without it, the item is replaced by
    /// one holding only its keys and the next etag, so a writer still holding the old etag fails as it should. A state
    /// whose etag is unknown (never read from a stored item) is cleared by deleting whatever unversioned item is there.
    /// </remarks>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var table = Table(stateName);
        var expected = DynamoDBStorageErrors.ParseETag(grainState.ETag, stateName, grainId);
        long size = 0;
        var key = table.Key(grainId, stateName, ref size);

        var delete = expected is null || table.DeleteStateOnClear;
        var next = delete ? null : AddNextETag(table, key, expected, ref size);
        await WriteConditionallyAsync(table, key, expected, delete, "clear", stateName, grainId, cancellationToken);
        grainState.ETag = next;
        grainState.RecordExists = false;
    }

    private DynamoDBTableBinding Table(string stateName)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        return _tables.TryGetValue(stateName, out var table)
            ? table
            : _defaultTable ?? throw new OrleansConfigurationException(
                $"DynamoDB grain storage '{_name}' has no table for state '{stateName}' and no DefaultTable. Add it to Tables.");
    }

    /// <summary>
    /// Puts <paramref name="item"/>, or deletes the item it keys, on condition that the table holds the version the grain
    /// expects: no etag (and so, for a put, no item) when <paramref name="expected"/> is null, else that etag.
    /// </summary>
    private async Task WriteConditionallyAsync(
        DynamoDBTableBinding table,
        Dictionary<string, AttributeValue> item,
        long? expected,
        bool delete,
        string operation,
        string stateName,
        GrainId grainId,
        CancellationToken cancellationToken)
    {
        var condition = expected is null ? NoETagCondition : ETagMatchesCondition;
        var values = ExpectedETagValues(expected);
        var returnStored = ReturnValuesOnConditionCheckFailure.ALL_OLD;
        try
        {
            // Two request types with the same condition fields: the SDK gives them no common base.
            await (delete
                ? _client.DeleteItemAsync(
                    new DeleteItemRequest
                    {
                        TableName = table.TableName,
                        Key = item,
                        ConditionExpression = condition,
                        ExpressionAttributeNames = table.ETagNames,
                        ExpressionAttributeValues = values,
                        ReturnValuesOnConditionCheckFailure = returnStored
                    },
                    cancellationToken)
                : (Task)_client.PutItemAsync(
                    new PutItemRequest
                    {
                        TableName = table.TableName,
                        Item = item,
                        ConditionExpression = condition,
                        ExpressionAttributeNames = table.ETagNames,
                        ExpressionAttributeValues = values,
                        ReturnValuesOnConditionCheckFailure = returnStored
                    },
                    cancellationToken));
        }
        catch (ConditionalCheckFailedException exception)
        {
            throw _errors.Conflict(exception, operation, stateName, grainId, table.TableName, expected);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw _errors.Failure(exception, operation, stateName, grainId, table.TableName);
        }
    }

    private static Dictionary<string, AttributeValue>? ExpectedETagValues(long? expected) =>
        expected is { } value
            ? new Dictionary<string, AttributeValue>(1, StringComparer.Ordinal)
            {
                [":etag"] = new AttributeValue { N = value.ToString(CultureInfo.InvariantCulture) },
            }
            : null;

    private string AddNextETag(DynamoDBTableBinding table, Dictionary<string, AttributeValue> item, long? expected, ref long size)
    {
        var next = ((expected ?? 0) + 1).ToString(CultureInfo.InvariantCulture);
        item[ETag] = new AttributeValue { N = next };
        size += ETag.Length + next.Length;
        table.AddTimeToLive(item, _timeProvider, ref size);
        return next;
    }

    [LoggerMessage(1, LogLevel.Information, "DynamoDB grain storage {Name}: tables ready in {ElapsedMs:0} ms")]
    private static partial void LogTablesReady(ILogger logger, string name, double elapsedMs);
}
