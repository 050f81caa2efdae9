using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
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
    private readonly JsonReaderOptions _readerOptions;

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
        _readerOptions = new JsonReaderOptions { MaxDepth = Math.Max(64, options.JsonSerializerOptions.MaxDepth) };
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
            throw Failure(exception, "read", stateName, grainId, table);
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
        if (TryReadState(table, shape, item, out var state))
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
        var expected = ParseETag(grainState.ETag, stateName, grainId);

        long size = 0;
        var item = table.Key(grainId, stateName, ref size, shape.AttributeCountHint);
        AddState<T>(table, shape, grainState.State, item, stateName, ref size);
        var next = AddNextETag(table, item, expected, ref size);
        shape.AttributeCountHint = item.Count;

        if (size > DynamoDBAttributeJson.MaxItemSize)
        {
            LogItemTooLarge(_logger, stateName, grainId, table.TableName, size);
            throw new DynamoDBItemTooLargeException(grainId, stateName, table.TableName, size, DynamoDBAttributeJson.MaxItemSize);
        }

        await PutAsync(table, item, expected, "write", stateName, grainId, cancellationToken);
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
        var expected = ParseETag(grainState.ETag, stateName, grainId);
        long size = 0;
        var key = table.Key(grainId, stateName, ref size);

        if (expected is not null && !table.DeleteStateOnClear)
        {
            var next = AddNextETag(table, key, expected, ref size);
            await PutAsync(table, key, expected, "clear", stateName, grainId, cancellationToken);
            grainState.ETag = next;
            grainState.RecordExists = false;
            return;
        }

        var request = new DeleteItemRequest
        {
            TableName = table.TableName,
            Key = key,
            ConditionExpression = expected is null ? NoETagCondition : ETagMatchesCondition,
            ExpressionAttributeNames = table.ETagNames,
            ExpressionAttributeValues = ExpectedETagValues(expected),
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };

        try
        {
            await _client.DeleteItemAsync(request, cancellationToken);
        }
        catch (ConditionalCheckFailedException exception)
        {
            throw Conflict(exception, "clear", stateName, grainId, table, grainState.ETag);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw Failure(exception, "clear", stateName, grainId, table);
        }

        grainState.ETag = null;
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

    private async Task PutAsync(
        DynamoDBTableBinding table,
        Dictionary<string, AttributeValue> item,
        long? expected,
        string operation,
        string stateName,
        GrainId grainId,
        CancellationToken cancellationToken)
    {
        var request = new PutItemRequest
        {
            TableName = table.TableName,
            Item = item,
            ConditionExpression = expected is null ? NoETagCondition : ETagMatchesCondition,
            ExpressionAttributeNames = table.ETagNames,
            ExpressionAttributeValues = ExpectedETagValues(expected),
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };

        try
        {
            await _client.PutItemAsync(request, cancellationToken);
        }
        catch (ConditionalCheckFailedException exception)
        {
            throw Conflict(exception, operation, stateName, grainId, table, expected?.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw Failure(exception, operation, stateName, grainId, table);
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

    /// <summary>
    /// The SDK's exceptions have no Orleans codec, so they cannot reach the grain's caller: log the original here and
    /// pass on its error code and message in one that can.
    /// </summary>
    private DynamoDBStorageException Failure(Exception exception, string operation, string stateName, GrainId grainId, DynamoDBTableBinding table)
    {
        LogOperationFailed(_logger, exception, operation, stateName, grainId, table.TableName);
        var errorCode = exception is AmazonServiceException service ? service.ErrorCode : exception.GetType().Name;
        return new DynamoDBStorageException(
            $"DynamoDB {operation} of state '{stateName}' of grain {grainId} in table '{table.TableName}' failed: {errorCode}: {exception.Message}",
            errorCode);
    }

    private InconsistentStateException Conflict(
        ConditionalCheckFailedException exception,
        string operation,
        string stateName,
        GrainId grainId,
        DynamoDBTableBinding table,
        string? currentETag)
    {
        var storedETag = exception.Item is { Count: > 0 } stored
            ? stored.TryGetValue(ETag, out var etag) ? etag.N : "none (an item without etag)"
            : "none (no item)";
        LogConflict(_logger, operation, stateName, grainId, table.TableName, currentETag, storedETag);
        return new InconsistentStateException(
            $"Version conflict on {operation} of state '{stateName}' of grain {grainId} in table '{table.TableName}': " +
            $"the grain holds etag {currentETag ?? "none (no stored item)"}, the table holds {storedETag}.",
            storedETag,
            currentETag ?? string.Empty);
    }

    private static long? ParseETag(string? etag, string stateName, GrainId grainId)
    {
        if (etag is null)
        {
            return null;
        }

        return long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InconsistentStateException(
                $"State '{stateName}' of grain {grainId} carries etag '{etag}', which is not a DynamoDB storage version (a number).",
                string.Empty,
                etag);
    }

    /// <summary>Serializes the state and adds its properties to the item as top-level attributes.</summary>
    private void AddState<T>(
        DynamoDBTableBinding table,
        DynamoDBStateShape<T> shape,
        T? state,
        Dictionary<string, AttributeValue> item,
        string stateName,
        ref long size)
    {
        var scratch = DynamoDBAttributeJson.JsonScratch.Rent();
        try
        {
            JsonSerializer.Serialize(scratch.Writer, state!, shape.TypeInfo);
            scratch.Writer.Flush();
            var reader = new Utf8JsonReader(scratch.Buffer.WrittenSpan, _readerOptions);
            reader.Read();

            if (shape.IsWrapped)
            {
                item[DynamoDBGrainStorageOptions.ValueAttributeName] = DynamoDBAttributeJson.ReadValue(ref reader, ref size);
                size += DynamoDBGrainStorageOptions.ValueAttributeName.Length;
                return;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                // A null state is stored as no state at all, like a cleared one.
                return;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"State '{stateName}' of type {typeof(T)} serialized to {reader.TokenType}, not to an object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = DynamoDBAttributeJson.ReadString(ref reader, ref size);
                if (table.IsReserved(name))
                {
                    // Caught per type up front; this catches dictionaries, extension data and derived types.
                    throw DynamoDBStateShape<T>.ReservedNameCollision(table, stateName, name);
                }

                reader.Read();
                item[name] = DynamoDBAttributeJson.ReadValue(ref reader, ref size);
            }
        }
        finally
        {
            scratch.Return();
        }
    }

    /// <summary>Turns an item back into a state; <see langword="false"/> when the item holds no state (a cleared one).</summary>
    private static bool TryReadState<T>(
        DynamoDBTableBinding table,
        DynamoDBStateShape<T> shape,
        Dictionary<string, AttributeValue> item,
        out T state)
    {
        var scratch = DynamoDBAttributeJson.JsonScratch.Rent();
        try
        {
            var writer = scratch.Writer;
            if (shape.IsWrapped)
            {
                if (!item.TryGetValue(DynamoDBGrainStorageOptions.ValueAttributeName, out var value))
                {
                    state = default!;
                    return false;
                }

                DynamoDBAttributeJson.WriteValue(writer, value);
            }
            else
            {
                var any = false;
                writer.WriteStartObject();
                foreach (var (name, value) in item)
                {
                    if (table.IsReserved(name))
                    {
                        continue;
                    }

                    any = true;
                    writer.WritePropertyName(name);
                    DynamoDBAttributeJson.WriteValue(writer, value);
                }

                writer.WriteEndObject();
                if (!any)
                {
                    state = default!;
                    return false;
                }
            }

            writer.Flush();
            state = JsonSerializer.Deserialize(scratch.Buffer.WrittenSpan, shape.TypeInfo)!;
            return true;
        }
        finally
        {
            scratch.Return();
        }
    }

    [LoggerMessage(1, LogLevel.Information, "DynamoDB grain storage {Name}: tables ready in {ElapsedMs:0} ms")]
    private static partial void LogTablesReady(ILogger logger, string name, double elapsedMs);

    [LoggerMessage(2, LogLevel.Debug, "Version conflict on {Operation} of state {StateName} of grain {GrainId} in table {TableName}: grain etag {CurrentETag}, stored {StoredETag}")]
    private static partial void LogConflict(ILogger logger, string operation, string stateName, GrainId grainId, string tableName, string? currentETag, string storedETag);

    [LoggerMessage(3, LogLevel.Error, "DynamoDB {Operation} of state {StateName} of grain {GrainId} in table {TableName} failed")]
    private static partial void LogOperationFailed(ILogger logger, Exception exception, string operation, string stateName, GrainId grainId, string tableName);

    [LoggerMessage(4, LogLevel.Error, "State {StateName} of grain {GrainId} would make a {Size}-byte item in table {TableName}, over DynamoDB's 400 KB limit; not written")]
    private static partial void LogItemTooLarge(ILogger logger, string stateName, GrainId grainId, string tableName, long size);
}
