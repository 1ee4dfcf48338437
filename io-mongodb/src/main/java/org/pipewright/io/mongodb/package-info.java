/**
 * MongoDB sink on the MongoDB driver: schema rows upserted as documents by an {@code _id}
 * built from key fields ({@link org.pipewright.io.mongodb.MongoUpsert}), field names kept as they
 * are or refused with a clear message, and a connection whose password comes from the environment
 * and is masked wherever the connection is described ({@link org.pipewright.io.mongodb.MongoConnection},
 * {@link org.pipewright.io.mongodb.MongoOptions}). Brings the MongoDB Java driver and nothing else.
 *
 * <p>The tests run against mongo-java-server (an in-process MongoDB wire-protocol server with a
 * memory backend, {@code org.pipewright.testing.LocalMongo}) because no real {@code mongod} is
 * installable on the machines this project builds on. It answers the driver as
 * MongoDB 5.0 does for everything used here, but has no authentication: the password path is
 * tested up to the connection string, not against a server that checks it.
 */
package org.pipewright.io.mongodb;
