// Adds the indexes DynamoDB Local's stream records lack, so a long-running local stack does not slow down as they pile up.
// Run by scripts/stack.sh (start_dynamodb) with Java's source launcher, against a DynamoDB Local started with -dbPath:
//   java -Djava.library.path=LIB -cp LIB/sqlite4java.jar DynamoDbLocalStreamIndex.java DBFILE ENDPOINT
//
// Why: DynamoDB Local keeps every stream's records in one SQLite table, `us`, keyed by sequence number alone. Nearly
// every request on a table with a stream describes that stream, which asks for the stream's first record
// (MIN(SequenceNumber) WHERE StreamID = ?); each GetRecords also asks for its shard's last one (WHERE ShardID = ? ORDER
// BY SequenceNumber DESC LIMIT 1). Without an index both walk the records of every other stream, all of them for a
// stream with none yet (the jobs', the webhooks'): each write anywhere makes every later request dearer. Measured
// with the soak: p99 from 0.6 s to 3.1 s over 10 minutes, DynamoDB Local's one SQLite thread busy in these queries.
// With these indexes SQLite 3.8.7 (what DynamoDB Local ships) answers each in a few steps, whatever the size.
// In AWS, DynamoDB Streams is its own service and none of this applies.
import com.almworks.sqlite4java.SQLiteConnection;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

public class DynamoDbLocalStreamIndex {
    private static final String[][] HOT_QUERIES = {
        {"a stream's first record", "SELECT MIN(SequenceNumber) FROM us WHERE StreamID = ?"},
        {"a shard's last record", "SELECT SequenceNumber FROM us WHERE ShardID = ? ORDER BY SequenceNumber DESC LIMIT 1"},
        {"a shard's records after a position", "SELECT SequenceNumber, StreamRecord, OperationType, CreationDateTime FROM us"
            + " WHERE StreamID = ? AND ShardID = ? AND SequenceNumber >= ? AND CreationDateTime > ? ORDER BY SequenceNumber ASC LIMIT ?"},
    };

    public static void main(String[] args) throws Exception {
        var database = new File(args[0]);
        // DynamoDB Local opens (and creates) its database at its first request: ask it for its tables once.
        if (!database.exists()) {
            var request = HttpRequest.newBuilder(URI.create(args[1]))
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
            HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding());
        }

        Logger.getLogger("com.almworks.sqlite4java").setLevel(Level.WARNING);
        var connection = new SQLiteConnection(database);
        connection.open(false);
        try {
            // DynamoDB Local holds the file open; SQLite's file locks let this one statement in between its own.
            connection.setBusyTimeout(30_000);
            connection.exec("CREATE INDEX IF NOT EXISTS cumin_us_stream ON us (StreamID)");
            connection.exec("CREATE INDEX IF NOT EXISTS cumin_us_shard ON us (ShardID)");
            // How SQLite now answers DynamoDB Local's three queries on the records, printed for the log and the test.
            for (var query : HOT_QUERIES) {
                var plan = connection.prepare("EXPLAIN QUERY PLAN " + query[1]);
                try {
                    while (plan.step()) {
                        System.out.println(query[0] + ": " + plan.columnString(3));
                    }
                } finally {
                    plan.dispose();
                }
            }
        } finally {
            connection.dispose();
        }
    }
}
