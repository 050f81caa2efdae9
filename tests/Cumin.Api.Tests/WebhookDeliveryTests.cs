using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cumin.Lambdas.Webhooks;
using Cumin.Testing;
using Cumin.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cumin.Api.Tests;

/// <summary>
/// Deliveries end to end (DESIGN.md, flow 5): a change through the API, its stream record, the event function, the
/// deliveries queue on fauxqs, the deliverer, a real receiver on loopback, and the deliveries log in PostgreSQL.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookDeliveryTests(WebhookFixture fixture)
{
    private static readonly string[] TaskEvents = ["task.created", "task.deleted"];
    private static readonly string[] Created = ["task.created"];
    private static readonly string[] Everything = ["*"];

    private WebhookReceiver Receiver => fixture.Receiver;

    [Fact]
    public async Task A_change_is_delivered_signed_with_the_headers_api_md_lists_and_a_ping_after_it()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var path = Path("signed");
        var (webhookId, secret) = await CreateAsync(owner, projectId, Receiver.Url(path), TaskEvents);

        var task = await owner.CreateTaskAsync(projectId, "Sow basil");
        var taskId = task.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PatchAsJsonAsync($"/api/projects/{projectId}/tasks/{taskId}", new { title = "Sow more basil" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/projects/{projectId}/tasks/{taskId}")).StatusCode);
        var received = await ArrivedAsync(path, 2);

        // Deliveries carry no order between them (each is a queue message of its own, retried on its own): each is found
        // by its event.
        var created = Assert.Single(received, r => r.Header("Cumin-Event") == "task.created");
        Assert.Equal("application/json; charset=utf-8", created.Header("Content-Type"));
        Assert.Equal("Cumin-Webhooks/1", created.Header("User-Agent"));
        Assert.Equal("task.created", created.Header("Cumin-Event"));
        AssertSigned(created, secret);
        var body = JsonDocument.Parse(created.Body).RootElement;
        Assert.Equal(created.Header("Cumin-Delivery"), body.GetProperty("id").GetString());
        Assert.Equal(projectId, body.GetProperty("projectId").GetString());
        Assert.Equal("task.created", body.GetProperty("type").GetString());
        Assert.Equal(owner.Id, body.GetProperty("actorId").GetString());
        Assert.True(DateTimeOffset.TryParse(body.GetProperty("at").GetString(), CultureInfo.InvariantCulture, out _));
        var data = body.GetProperty("data");
        Assert.Equal(taskId, data.GetProperty("id").GetString());
        Assert.Equal("Sow basil", data.GetProperty("title").GetString());
        Assert.Equal("todo", data.GetProperty("status").GetString());
        Assert.Equal(task.GetProperty("version").GetInt64(), data.GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("assigneeId").ValueKind);
        Assert.False(data.TryGetProperty("pk", out _));
        Assert.False(data.TryGetProperty("etag", out _));

        // The update was not asked for; the delete was.
        var deleted = Assert.Single(received, r => r.Header("Cumin-Event") == "task.deleted");
        AssertSigned(deleted, secret);
        Assert.Equal(taskId, JsonDocument.Parse(deleted.Body).RootElement.GetProperty("data").GetProperty("taskId").GetString());
        Assert.NotEqual(created.Header("Cumin-Delivery"), deleted.Header("Cumin-Delivery"));

        Assert.Equal(HttpStatusCode.Accepted, (await owner.Client.PostAsync($"/api/projects/{projectId}/webhooks/{webhookId}/ping", null)).StatusCode);
        var ping = (await ArrivedAsync(path, 3))[2];
        Assert.Equal("ping", ping.Header("Cumin-Event"));
        AssertSigned(ping, secret);
        Assert.Equal(webhookId, JsonDocument.Parse(ping.Body).RootElement.GetProperty("data").GetProperty("webhookId").GetString());
        Assert.Equal(3, Receiver.At(path).Count);

        var log = await DeliveriesAsync(owner, projectId, webhookId, 3);
        // Newest first: the ping, sent once both had arrived, then the two in the order they were delivered.
        Assert.Equal("ping", log[0].GetProperty("type").GetString());
        Assert.Equal(["task.created", "task.deleted"], log.Skip(1).Select(d => d.GetProperty("type").GetString()).Order());
        Assert.All(log, d =>
        {
            Assert.True(d.GetProperty("ok").GetBoolean());
            Assert.Equal(200, d.GetProperty("status").GetInt32());
            Assert.Equal(1, d.GetProperty("attempt").GetInt32());
            Assert.Equal(JsonValueKind.Null, d.GetProperty("error").ValueKind);
        });
        Assert.Equal(ping.Header("Cumin-Delivery"), log[0].GetProperty("eventId").GetString());
        var listed = Assert.Single((await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/webhooks"))).GetProperty("items").EnumerateArray());
        Assert.True(listed.GetProperty("lastDelivery").GetProperty("ok").GetBoolean());
        Assert.Equal(200, listed.GetProperty("lastDelivery").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_delivery_answered_500_is_retried_on_the_schedule_with_the_same_id_and_body_until_it_is_taken()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var path = Path("flaky");
        var (webhookId, secret) = await CreateAsync(owner, projectId, Receiver.Url(path, (_, before) => Task.FromResult(before < 2 ? 500 : 204)), Created);

        await owner.CreateTaskAsync(projectId, "Prune the roses");
        var received = await ArrivedAsync(path, 3);
        Assert.Single(received.Select(r => r.Header("Cumin-Delivery")).Distinct());
        Assert.Single(received.Select(r => r.Body).Distinct());
        Assert.All(received, r => AssertSigned(r, secret));
        // Never sooner than the schedule says (later is the machine's load).
        Assert.True(received[1].At - received[0].At >= WebhookFixture.Retries[0] - TimeSpan.FromMilliseconds(100), $"{received[1].At - received[0].At}");
        Assert.True(received[2].At - received[1].At >= WebhookFixture.Retries[1] - TimeSpan.FromMilliseconds(100), $"{received[2].At - received[1].At}");

        var log = await DeliveriesAsync(owner, projectId, webhookId, 3);
        Assert.Equal([3, 2, 1], log.Select(d => d.GetProperty("attempt").GetInt32()));
        Assert.Equal([204, 500, 500], log.Select(d => d.GetProperty("status").GetInt32()));
        Assert.Equal([true, false, false], log.Select(d => d.GetProperty("ok").GetBoolean()));
        Assert.Equal("HTTP 500", log[1].GetProperty("error").GetString());
        Assert.Single(log.Select(d => d.GetProperty("eventId").GetString()).Distinct());
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_is_retried_and_holds_up_no_other_webhook()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var slowProject = await owner.CreateProjectAsync("Slow");
        var fastProject = await owner.CreateProjectAsync("Fast");
        var (slowPath, fastPath) = (Path("slow"), Path("fast"));
        var (slowHook, _) = await CreateAsync(owner, slowProject, Receiver.Url(slowPath, async (_, before) =>
        {
            if (before == 0)
            {
                await Task.Delay(WebhookFixture.Timeout * 3);
            }

            return 200;
        }), Created);
        await CreateAsync(owner, fastProject, Receiver.Url(fastPath), Created);

        await owner.CreateTaskAsync(slowProject, "Wait for rain");
        var slowFirst = (await ArrivedAsync(slowPath, 1))[0];
        await owner.CreateTaskAsync(fastProject, "Water now");
        var fast = (await ArrivedAsync(fastPath, 1))[0];
        // Delivered while the deliverer still waited on the slow receiver (it gives up on it only at the timeout).
        Assert.True(fast.At < slowFirst.At + WebhookFixture.Timeout, $"the fast delivery came {fast.At - slowFirst.At} after the slow one started");

        var slow = await ArrivedAsync(slowPath, 2);
        Assert.Equal(slow[0].Header("Cumin-Delivery"), slow[1].Header("Cumin-Delivery"));
        var log = await DeliveriesAsync(owner, slowProject, slowHook, 2);
        Assert.True(log[0].GetProperty("ok").GetBoolean());
        Assert.False(log[1].GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, log[1].GetProperty("status").ValueKind);
        Assert.StartsWith("no answer within", log[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(log[1].GetProperty("durationMs").GetInt32() >= WebhookFixture.Timeout.TotalMilliseconds - 100);
    }

    [Fact]
    public async Task A_stream_batch_handled_twice_delivers_the_same_event_id_twice_so_receivers_can_drop_the_copy()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var path = Path("again");
        await CreateAsync(owner, projectId, Receiver.Url(path), Created);
        var table = fixture.Settings["Cumin:Tables:Prefix"] + "tasks";
        var taskId = SortableIdLike();
        var record = """
            {"Records":[{"eventID":"redelivered-EVENT","eventName":"INSERT","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
              "eventSourceARN":"arn:aws:dynamodb:us-east-1:000000000000:table/TABLE/stream/2026-12-01T00:00:00.000",
              "dynamodb":{"ApproximateCreationDateTime":1764600000,"SequenceNumber":"100000000000000000001","StreamViewType":"NEW_AND_OLD_IMAGES",
                "Keys":{"pk":{"S":"PROJECT"},"sk":{"S":"TASK"}},
                "NewImage":{"pk":{"S":"PROJECT"},"sk":{"S":"TASK"},"id":{"S":"TASK"},"projectId":{"S":"PROJECT"},
                  "title":{"S":"Twice"},"status":{"S":"todo"},"priority":{"S":"low"},"rank":{"S":"a"},"version":{"N":"1"},
                  "createdBy":{"S":"OWNER"},"updatedBy":{"S":"OWNER"},"createdAt":{"S":"2026-12-01T12:00:00.000Z"},"updatedAt":{"S":"2026-12-01T12:00:00.000Z"}}}}]}
            """;
        record = record.Replace("EVENT", Guid.NewGuid().ToString("N"), StringComparison.Ordinal).Replace("TABLE", table, StringComparison.Ordinal)
            .Replace("PROJECT", projectId, StringComparison.Ordinal).Replace("TASK", taskId, StringComparison.Ordinal)
            .Replace("OWNER", owner.Id, StringComparison.Ordinal);
        var function = fixture.RunnerServices.GetRequiredService<WebhookEventFunction>();
        for (var i = 0; i < 2; i++)
        {
            await using var payload = new MemoryStream(Encoding.UTF8.GetBytes(record));
            await function.InvokeAsync(payload, CancellationToken.None);
        }

        var received = await ArrivedAsync(path, 2);
        Assert.Equal(received[0].Header("Cumin-Delivery"), received[1].Header("Cumin-Delivery"));
        Assert.Equal(received[0].Body, received[1].Body);
        Assert.Equal("Twice", JsonDocument.Parse(received[0].Body).RootElement.GetProperty("data").GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_webhook_whose_last_20_deliveries_failed_is_set_inactive_until_its_owner_makes_it_active()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var path = Path("dead");
        // A receiver that is down, until it is fixed just before its owner makes the webhook active again: retries still
        // queued from before then succeed, rather than fail 20 more times and suspend it again (which would be right).
        var down = 1;
        var (webhookId, _) = await CreateAsync(owner, projectId, Receiver.Url(path, (_, _) => Task.FromResult(Volatile.Read(ref down) == 1 ? 500 : 204)), Created);
        var hooks = $"/api/projects/{projectId}/webhooks";

        for (var i = 0; i < 20; i++)
        {
            await owner.CreateTaskAsync(projectId, $"doomed {i}");
        }

        var listed = await Eventually.Until(
            async () => Assert.Single((await HttpAssert.OkAsync(await owner.Client.GetAsync(hooks))).GetProperty("items").EnumerateArray()),
            webhook => !webhook.GetProperty("active").GetBoolean(),
            TimeSpan.FromSeconds(120));
        Assert.False(listed.GetProperty("active").GetBoolean());
        Assert.False(listed.GetProperty("lastDelivery").GetProperty("ok").GetBoolean());
        var log = await DeliveriesAsync(owner, projectId, webhookId, 20);
        Assert.All(log.Take(20), d => Assert.False(d.GetProperty("ok").GetBoolean()));

        // While inactive nothing is attempted; a ping still goes (the owner asked for it).
        await owner.CreateTaskAsync(projectId, "while inactive");
        Assert.Equal(HttpStatusCode.Accepted, (await owner.Client.PostAsync($"{hooks}/{webhookId}/ping", null)).StatusCode);
        await Eventually.HoldsAsync(() => Task.FromResult(Receiver.At(path).Any(r => r.Header("Cumin-Event") == "ping")), Eventually.Limit, "the ping arrives");
        Assert.DoesNotContain(Receiver.At(path), r => r.Body.Contains("while inactive", StringComparison.Ordinal));

        Volatile.Write(ref down, 0);
        var reactivated = await HttpAssert.OkAsync(await owner.Client.PatchAsJsonAsync($"{hooks}/{webhookId}", new { active = true }));
        Assert.True(reactivated.GetProperty("active").GetBoolean());
        await owner.CreateTaskAsync(projectId, "after reactivation");
        await Eventually.HoldsAsync(
            () => Task.FromResult(Receiver.At(path).Any(r => r.Body.Contains("after reactivation", StringComparison.Ordinal))),
            Eventually.Limit, "a delivery is attempted again");
        Assert.True(Assert.Single((await HttpAssert.OkAsync(await owner.Client.GetAsync(hooks))).GetProperty("items").EnumerateArray()).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Every_kind_of_change_reaches_a_webhook_of_all_events_as_the_live_board_shapes_it()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var editor = await fixture.NewUserAsync("Editor");
        var projectId = await owner.CreateProjectAsync();
        var path = Path("everything");
        await CreateAsync(owner, projectId, Receiver.Url(path), Everything);

        var label = await HttpAssert.OkAsync(
            await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/labels", new { name = "Herbs", color = "#22aa44" }), HttpStatusCode.Created);
        await owner.AddMemberAsync(projectId, editor, "editor");
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PatchAsJsonAsync($"/api/projects/{projectId}", new { name = "Kitchen garden" })).StatusCode);
        var taskId = (await owner.CreateTaskAsync(projectId, "Sow basil")).GetProperty("id").GetString()!;
        var comment = await HttpAssert.OkAsync(
            await editor.Client.PostAsJsonAsync($"/api/projects/{projectId}/tasks/{taskId}/comments", new { body = "The pots are in the shed." }), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/tasks/{taskId}/move", new { status = "done" })).StatusCode);

        string[] expected = ["label.created", "member.added", "project.updated", "task.created", "comment.created", "task.moved"];
        var received = await Eventually.Until(
            () => Task.FromResult(Receiver.At(path)),
            r => expected.All(type => r.Any(x => x.Header("Cumin-Event") == type)));
        JsonElement Data(string type) => JsonDocument.Parse(Assert.Single(received, r => r.Header("Cumin-Event") == type).Body).RootElement.GetProperty("data");

        Assert.Equal("Herbs", Data("label.created").GetProperty("name").GetString());
        Assert.Equal(label.GetProperty("id").GetString(), Data("label.created").GetProperty("id").GetString());
        Assert.Equal(editor.Id, Data("member.added").GetProperty("userId").GetString());
        Assert.Equal("editor", Data("member.added").GetProperty("role").GetString());
        Assert.Equal(editor.Email, Data("member.added").GetProperty("email").GetString());
        Assert.Equal("Kitchen garden", Data("project.updated").GetProperty("name").GetString());
        Assert.Equal(comment.GetProperty("id").GetString(), Data("comment.created").GetProperty("id").GetString());
        Assert.Equal(editor.Id, Data("comment.created").GetProperty("authorId").GetString());
        Assert.Equal("done", Data("task.moved").GetProperty("status").GetString());
        // The comment's count on the task is the comment's news, not a task.updated of its own.
        Assert.DoesNotContain(received, r => r.Header("Cumin-Event") == "task.updated");
    }

    public static TheoryData<string> PrivateTargets() =>
    [
        "http://127.0.0.1:{port}/private",
        "http://localhost:{port}/private",
        "http://[::1]:{port}/private",
        "http://[::ffff:127.0.0.1]:{port}/private",
        "http://10.0.0.1/private",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0:{port}/private",
    ];

    /// <summary>A webhook made where private targets were allowed, delivered by a deliverer configured as in Production.</summary>
    [Theory]
    [MemberData(nameof(PrivateTargets))]
    public async Task A_deliverer_in_production_configuration_refuses_to_connect_to_a_private_address(string template)
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var path = Path("private");
        Receiver.Url(path);
        var url = template.Replace("{port}", Receiver.BaseAddress.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("/private", path, StringComparison.Ordinal);
        // Events nobody makes here: only the delivery below is attempted.
        var (webhookId, _) = await CreateAsync(owner, projectId, url, ["counts.updated"]);

        var services = fixture.RunnerServices;
        var production = Options.Create(new WebhookOptions { AllowHttp = true, AllowPrivateTargets = false, Timeout = WebhookFixture.Timeout, RetrySchedule = [.. WebhookFixture.Retries] });
        using var sender = new WebhookSender(production, TimeProvider.System);
        var deliverer = new WebhookDeliveryFunction(
            services.GetRequiredService<WebhookTable>(), services.GetRequiredService<WebhookOutbox>(), sender,
            services.GetRequiredService<WebhookDeliveryLog>(), services.GetRequiredService<ISecretProtector>(), production,
            TimeProvider.System, NullLogger<WebhookDeliveryFunction>.Instance);
        var message = new WebhookDeliveryMessage
        {
            EventId = "evt_" + Guid.NewGuid().ToString("N"),
            ProjectId = projectId,
            WebhookId = webhookId,
            Type = "ping",
            Body = "{}",
            // The last attempt: nothing is queued after it.
            Attempt = WebhookFixture.Retries.Length + 1,
        };
        var sqsEvent = new SqsEvent { Records = [new SqsRecord { MessageId = "m1", Body = WebhookOutbox.Serialize(message) }] };
        await using var payload = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(sqsEvent, WebhookJsonContext.Default.SqsEvent));
        var response = JsonDocument.Parse(await new StreamReader(await deliverer.InvokeAsync(payload, CancellationToken.None)).ReadToEndAsync()).RootElement;
        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());

        var log = await DeliveriesAsync(owner, projectId, webhookId, 1);
        Assert.False(log[0].GetProperty("ok").GetBoolean());
        Assert.StartsWith("refused", log[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(Receiver.At(path));
    }

    private static string Path(string purpose) => $"/{purpose}/{Guid.NewGuid():N}";

    private static string SortableIdLike() => "t" + Guid.NewGuid().ToString("N")[..20];

    private static async Task<(string Id, string Secret)> CreateAsync(TestUser owner, string projectId, string url, string[] events)
    {
        var created = await HttpAssert.OkAsync(
            await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/webhooks", new { url, events }), HttpStatusCode.Created);
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    private async Task<IReadOnlyList<ReceivedRequest>> ArrivedAsync(string path, int count)
    {
        var received = await Eventually.Until(() => Task.FromResult(Receiver.At(path)), r => r.Count >= count);
        Assert.True(received.Count >= count, $"{received.Count} of {count} deliveries arrived at {path}");
        return received;
    }

    private static async Task<IReadOnlyList<JsonElement>> DeliveriesAsync(TestUser owner, string projectId, string webhookId, int count)
    {
        var items = await Eventually.Until(
            async () => (await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/webhooks/{webhookId}/deliveries?limit=100")))
                .GetProperty("items").EnumerateArray().ToList(),
            list => list.Count >= count);
        Assert.True(items.Count >= count, $"{items.Count} of {count} attempts logged");
        return items;
    }

    /// <summary>The receiver's own check: HMAC-SHA256 of "t.body" with the secret, and a timestamp of now.</summary>
    private static void AssertSigned(ReceivedRequest request, string secret)
    {
        var parts = request.Header("Cumin-Signature").Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var t = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t, -30, 300);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{request.Body}"));
        Assert.True(CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"])), "the signature does not verify");
    }
}
