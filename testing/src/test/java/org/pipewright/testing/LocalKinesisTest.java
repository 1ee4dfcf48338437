package org.pipewright.testing;

import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

public class LocalKinesisTest {
  @Test
  public void putsAndGetsARecord() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "kinesis-test");
    try (LocalKinesis kinesis = LocalKinesis.start(dir); KinesisClient client = kinesis.client()) {
      kinesis.createStream("pinterest-pin", 1);
      kinesis.createStream("pinterest-pin", 1); // existing streams are not an error

      client.putRecord(b -> b.streamName("pinterest-pin").partitionKey("k")
          .data(SdkBytes.fromUtf8String("{\"id\":1}")));

      String shard = client.listShards(b -> b.streamName("pinterest-pin")).shards().get(0).shardId();
      String iterator = client.getShardIterator(b -> b.streamName("pinterest-pin").shardId(shard)
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      List<Record> records = client.getRecords(b -> b.shardIterator(iterator)).records();

      assertEquals(1, records.size());
      assertEquals("{\"id\":1}", records.get(0).data().asUtf8String());
    }
  }
}
