import { MigrationInterface, QueryRunner } from 'typeorm';
import { mysqlSearchText, mysqlSetSearchText } from '../src/database/search-text';

/**
 * Full-text search over tickets: one search document per ticket (its subject; the requester and
 * the senders of its inbound messages; its messages' new text; its attachments' names), kept by
 * triggers in the transaction that writes the ticket, the message or the attachment, so that no
 * writer can forget it. SQLite: an FTS5 table whose rowid is the ticket id. MariaDB: an InnoDB
 * table with FULLTEXT indexes (one over all four columns, one over the subject for its weight).
 *
 * A message adds its new text (quote-stripped: the quoted history is the earlier messages,
 * already indexed), or its whole text when nothing new was found. CJK text goes through
 * search_text (src/database/search-text.ts); on SQLite that is a function each connection
 * registers, so the database needs the application to be written to.
 *
 * Existing tickets are indexed here, in the one transaction of this migration.
 */
export class TicketSearch1765000000000 implements MigrationInterface {
  name = 'TicketSearch1765000000000';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    if (mysql) await upMysql(qr);
    else await upSqlite(qr);
  }

  public async down(qr: QueryRunner): Promise<void> {
    for (const trigger of TRIGGERS) await qr.query(`DROP TRIGGER IF EXISTS ${trigger}`);
    await qr.query('DROP TABLE IF EXISTS ticket_search');
  }
}

const TRIGGERS = [
  'ticket_search_ticket_insert',
  'ticket_search_ticket_subject',
  'ticket_search_ticket_delete',
  'ticket_search_message_insert',
  'ticket_search_attachment_insert',
];

/** Who wrote: the name and the address, as one piece of text. */
const sqliteSender = (row: string) => `search_text(COALESCE(${row}.from_name, '') || ' ' || COALESCE(${row}.from_address, ''))`;
const sqliteMessageText = (row: string) => `search_text(COALESCE(NULLIF(${row}.new_text, ''), ${row}.text_body))`;

async function upSqlite(qr: QueryRunner): Promise<void> {
  // `tenant` holds one token, t<tenant id>: a match can require it, so that counting a tenant's
  // matches needs no join. Queries confine the agent's words to the other columns.
  await qr.query("CREATE VIRTUAL TABLE ticket_search USING fts5(subject, people, body, files, tenant, tokenize = 'unicode61 remove_diacritics 2')");
  await qr.query(`
    INSERT INTO ticket_search (rowid, tenant, subject, people, body, files)
    SELECT t.id, 't' || t.tenant_id,
      search_text(t.subject),
      search_text(COALESCE(t.requester_name, '') || ' ' || COALESCE(t.requester_email, '')) || ' ' ||
        COALESCE((SELECT group_concat(p, ' ') FROM (SELECT DISTINCT ${sqliteSender('m')} AS p FROM ticket_messages m WHERE m.ticket_id = t.id AND m.direction = 'inbound')), ''),
      COALESCE((SELECT group_concat(${sqliteMessageText('m')}, ' ') FROM ticket_messages m WHERE m.ticket_id = t.id), ''),
      COALESCE((SELECT group_concat(search_text(a.filename), ' ') FROM attachments a JOIN ticket_messages m ON m.id = a.ticket_message_id WHERE m.ticket_id = t.id), '')
    FROM tickets t`);
  await qr.query(`
    CREATE TRIGGER ticket_search_ticket_insert AFTER INSERT ON tickets BEGIN
      INSERT INTO ticket_search (rowid, tenant, subject, people, body, files)
      VALUES (NEW.id, 't' || NEW.tenant_id, search_text(NEW.subject), search_text(COALESCE(NEW.requester_name, '') || ' ' || COALESCE(NEW.requester_email, '')), '', '');
    END`);
  await qr.query(`
    CREATE TRIGGER ticket_search_ticket_subject AFTER UPDATE OF subject ON tickets BEGIN
      UPDATE ticket_search SET subject = search_text(NEW.subject) WHERE rowid = NEW.id;
    END`);
  await qr.query(`
    CREATE TRIGGER ticket_search_ticket_delete AFTER DELETE ON tickets BEGIN
      DELETE FROM ticket_search WHERE rowid = OLD.id;
    END`);
  await qr.query(`
    CREATE TRIGGER ticket_search_message_insert AFTER INSERT ON ticket_messages BEGIN
      UPDATE ticket_search SET
        people = CASE WHEN NEW.direction = 'inbound' AND instr(people, ${sqliteSender('NEW')}) = 0 THEN people || ' ' || ${sqliteSender('NEW')} ELSE people END,
        body = body || ' ' || ${sqliteMessageText('NEW')}
      WHERE rowid = NEW.ticket_id;
    END`);
  await qr.query(`
    CREATE TRIGGER ticket_search_attachment_insert AFTER INSERT ON attachments BEGIN
      UPDATE ticket_search SET files = files || ' ' || search_text(NEW.filename)
      WHERE rowid = (SELECT ticket_id FROM ticket_messages WHERE id = NEW.ticket_message_id);
    END`);
}

const mysqlSender = (row: string) => mysqlSearchText(`CONCAT_WS(' ', ${row}.from_name, ${row}.from_address)`);
const mysqlMessageText = (row: string) => mysqlSearchText(`COALESCE(NULLIF(${row}.new_text, ''), ${row}.text_body)`);

async function upMysql(qr: QueryRunner): Promise<void> {
  await qr.query(`
    CREATE TABLE ticket_search (
      ticket_id INT NOT NULL PRIMARY KEY,
      subject TEXT NOT NULL,
      people TEXT NOT NULL,
      body LONGTEXT NOT NULL,
      files TEXT NOT NULL,
      CONSTRAINT fk_ticket_search_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci`);
  // The whole history of a long ticket in one GROUP_CONCAT (1 MB by default, cut beyond).
  await qr.query('SET SESSION group_concat_max_len = 1073741824');
  await qr.query(`
    INSERT INTO ticket_search (ticket_id, subject, people, body, files)
    SELECT t.id,
      ${mysqlSearchText('t.subject')},
      CONCAT_WS(' ', ${mysqlSearchText("CONCAT_WS(' ', t.requester_name, t.requester_email)")},
        (SELECT GROUP_CONCAT(DISTINCT ${mysqlSender('m')} SEPARATOR ' ') FROM ticket_messages m WHERE m.ticket_id = t.id AND m.direction = 'inbound')),
      COALESCE((SELECT GROUP_CONCAT(${mysqlMessageText('m')} SEPARATOR ' ') FROM ticket_messages m WHERE m.ticket_id = t.id), ''),
      COALESCE((SELECT GROUP_CONCAT(${mysqlSearchText('a.filename')} SEPARATOR ' ') FROM attachments a JOIN ticket_messages m ON m.id = a.ticket_message_id WHERE m.ticket_id = t.id), '')
    FROM tickets t`);
  // Built after the rows are in (one sort instead of a row at a time). Without stopwords: InnoDB's
  // list holds words agents search for ("will", "about", "www"), and a stopword in a quoted
  // phrase would make the phrase match nothing.
  await qr.query('SET SESSION innodb_ft_enable_stopword = OFF');
  await qr.query('ALTER TABLE ticket_search ADD FULLTEXT INDEX ft_ticket_search_all (subject, people, body, files)');
  await qr.query('ALTER TABLE ticket_search ADD FULLTEXT INDEX ft_ticket_search_subject (subject)');
  await qr.query('SET SESSION innodb_ft_enable_stopword = ON');
  // MariaDB runs these on every ticket message and attachment: see mysqlSetSearchText for why the
  // texts are turned into search text by statements on variables.
  await qr.query(`
    CREATE TRIGGER ticket_search_ticket_subject AFTER UPDATE ON tickets FOR EACH ROW
    BEGIN
      DECLARE subject_text TEXT DEFAULT NEW.subject;
      IF NOT (NEW.subject <=> OLD.subject) THEN
        ${mysqlSetSearchText('subject_text')}
        UPDATE ticket_search SET subject = subject_text WHERE ticket_id = NEW.id;
      END IF;
    END`);
  // A ticket's document is written with its first message, not before: InnoDB indexes each
  // version of a row, so writing it once per new ticket halves the work of the common case.
  // No delete trigger: the foreign key removes the document (MariaDB fires no triggers on cascades).
  await qr.query(`
    CREATE TRIGGER ticket_search_message_insert AFTER INSERT ON ticket_messages FOR EACH ROW
    BEGIN
      DECLARE sender_text TEXT DEFAULT IF(NEW.direction = 'inbound', CONCAT_WS(' ', NEW.from_name, NEW.from_address), '');
      DECLARE message_text LONGTEXT DEFAULT COALESCE(NULLIF(NEW.new_text, ''), NEW.text_body);
      DECLARE subject_text TEXT;
      DECLARE requester_text TEXT;
      ${mysqlSetSearchText('sender_text')}
      ${mysqlSetSearchText('message_text')}
      UPDATE ticket_search SET
        people = IF(LOCATE(sender_text, people) = 0, CONCAT(people, ' ', sender_text), people),
        body = CONCAT(body, ' ', message_text)
      WHERE ticket_id = NEW.ticket_id;
      IF ROW_COUNT() = 0 THEN
        SELECT t.subject, CONCAT_WS(' ', t.requester_name, t.requester_email) INTO subject_text, requester_text FROM tickets t WHERE t.id = NEW.ticket_id;
        ${mysqlSetSearchText('subject_text')}
        ${mysqlSetSearchText('requester_text')}
        INSERT INTO ticket_search (ticket_id, subject, people, body, files)
        VALUES (NEW.ticket_id, subject_text, CONCAT_WS(' ', requester_text, sender_text), message_text, '');
      END IF;
    END`);
  await qr.query(`
    CREATE TRIGGER ticket_search_attachment_insert AFTER INSERT ON attachments FOR EACH ROW
    BEGIN
      DECLARE file_text TEXT DEFAULT NEW.filename;
      ${mysqlSetSearchText('file_text')}
      UPDATE ticket_search SET files = CONCAT(files, ' ', file_text)
      WHERE ticket_id = (SELECT ticket_id FROM ticket_messages WHERE id = NEW.ticket_message_id);
    END`);
}
