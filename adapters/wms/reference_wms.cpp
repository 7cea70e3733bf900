#include "reference_wms.hpp"

#include <iterator>
#include <stdexcept>

#include "cimbus/codec/error_code.hpp"
#include "cimbus/runtime/rejection.hpp"
#include "cimbus/store/statement.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "cimbus/codec/uuid.hpp"
#include "nouns.hpp"
#include "records.hpp"
#include "reflection.hpp"
#include "territory.hpp"

namespace cimbus::wms {

namespace {

using adapter::Rejection;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using reference::ObjectState;
using reference::Records;
using reference::text_of;
using reference::add;
using reference::field;
using reference::first_work;
using reference::mrid_of;
using reference::set_enum_number;
using reference::set_string;
using store::Statement;

// WorkStatusKind, numbered alike in every generated profile (the literals in alphabetical order).
enum Status { approved = 0, cancelled = 1, closed = 2, completed = 3, dispatched = 4, enroute = 5, inProgress = 6,
              onSite = 7, scheduled = 8, waitingOnApproval = 9, waitingOnMaterial = 10, waitingToBeScheduled = 11 };

// The object state of a WorkStatusKind number.
ObjectState state_of(int status) {
  using S = ObjectState;
  static const S states[] = {S::approved, S::canceled, S::closed, S::completed, S::dispatched, S::enroute, S::in_progress,
                             S::on_site, S::scheduled, S::waiting_on_approval, S::waiting_on_material, S::waiting_to_be_scheduled};
  if (status < 0 || status >= static_cast<int>(std::size(states))) throw std::out_of_range("WorkStatusKind " + std::to_string(status));
  return states[status];
}

// Work and its tasks to `status`; a crew, when given, goes on every task that has none.
void set_status(Message* item, int status, const std::string& crew = {}, const std::string& crew_name = {}, const std::string& eta = {}) {
  Message* work = first_work(item);
  set_enum_number(work, "status_kind", status);
  set_string(work, "last_modified_date_time", now_timestamp());
  const FieldDescriptor* tasks = field(*work, "work_tasks");
  const auto* r = work->GetReflection();
  for (int i = 0; i < r->FieldSize(*work, tasks); ++i) {
    Message* task = r->MutableRepeatedMessage(work, tasks, i);
    set_enum_number(task, "status_kind", status);
    if (!eta.empty()) set_string(task, "crew_eta", eta);
    const FieldDescriptor* crews = field(*task, "crews");
    if (!crew.empty() && crews != nullptr && task->GetReflection()->FieldSize(*task, crews) == 0) {
      Message* c = task->GetReflection()->AddMessage(task, crews);
      set_string(c, "m_rid", crew);
      const FieldDescriptor* names = field(*c, "names");
      set_string(c->GetReflection()->AddMessage(c, names), "name", crew_name);
    }
  }
}

// The customer a piece of work is for, when it names one (its key in the records).
std::string customer_of(Message& item) {
  Message* work = first_work(&item);
  const FieldDescriptor* customers = field(*work, "customers");
  if (customers == nullptr || work->GetReflection()->FieldSize(*work, customers) == 0) return {};
  return mrid_of(work->GetReflection()->GetRepeatedMessage(*work, customers, 0));
}

std::unique_ptr<Message> load(const Records& records, const std::string& noun, const std::string& mrid, ObjectState* state) {
  auto r = records.get(noun, mrid);
  if (!r) throw Rejection(code::kInvalidRequestIds, "no " + noun + " item " + mrid + " at the WMS");
  *state = r->state;
  return reference::item_of(reference::noun_model(noun), *r);
}

bool is_final(ObjectState state) { return state == ObjectState::closed || state == ObjectState::canceled; }

int priority_of(const std::string& noun) { return noun == "MaintenanceOrders" ? 1 : 5; }

}  // namespace

ReferenceWms::ReferenceWms(const std::map<std::string, std::string>& settings)
    : crews_(static_cast<int>(reference::setting(settings, "crews", 12))),
      step_ms_(reference::setting(settings, "step_ms", 400)),
      random_(static_cast<std::uint64_t>(reference::setting(settings, "seed", 61968))) {
  if (crews_ <= 0 || step_ms_ <= 0) throw std::invalid_argument("connector.settings: crews and step_ms must be positive");
}

void ReferenceWms::prepare(store::Transaction& tx) {
  Records::prepare(tx);
  tx.execute(R"(
CREATE TABLE IF NOT EXISTS work_schedule (
  noun     TEXT NOT NULL,
  mrid     TEXT NOT NULL,
  next_at  INTEGER NOT NULL,            -- ms since the epoch: when the work takes its next step
  priority INTEGER NOT NULL,
  crew     TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (noun, mrid)
);
CREATE INDEX IF NOT EXISTS work_schedule_due ON work_schedule (next_at);
CREATE TABLE IF NOT EXISTS crews (mrid TEXT PRIMARY KEY, name TEXT NOT NULL, busy INTEGER NOT NULL DEFAULT 0);
)");
  for (int i = 0; i < crews_; ++i)
    Statement(tx, "INSERT INTO crews (mrid, name) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(1, reference::stable_uuid(61968, "crew", i))
        .bind(2, "Crew " + std::to_string(i + 1))
        .run();
}

long long ReferenceWms::next_step_ms() {
  std::uniform_int_distribution<long long> jitter(step_ms_ / 2, step_ms_ * 3 / 2);
  return jitter(random_);
}

NounItem ReferenceWms::accept(store::Transaction& tx, const NounItem& work) {
  Records records(tx);
  const std::string& noun = work.noun;
  std::unique_ptr<Message> item(work.item->New());
  item->CopyFrom(*work.item);
  // A WMS names new work itself when the requester did not (as EPRI's openwms does).
  std::string mrid = mrid_of(*item);
  if (mrid.empty()) {
    mrid = new_uuid();
    set_string(item.get(), "m_rid", mrid);
  }
  if (records.get(noun, mrid)) throw Rejection(code::kCanceledPerBusinessRule, noun + " item " + mrid + " exists already; change it instead");
  set_status(item.get(), waitingToBeScheduled);
  set_string(first_work(item.get()), "request_date_time", now_timestamp());
  records.put(noun, mrid, ObjectState::waiting_to_be_scheduled, *item, customer_of(*item));
  Statement(tx, "INSERT INTO work_schedule (noun, mrid, next_at, priority) VALUES (?, ?, ?, ?)")
      .bind(1, noun)
      .bind(2, mrid)
      .bind(3, epoch_ms())
      .bind(4, static_cast<std::int64_t>(priority_of(noun)))
      .run();
  return NounItem{noun, std::move(item)};
}

NounItem ReferenceWms::change(store::Transaction& tx, const NounItem& work) {
  Records records(tx);
  const std::string& noun = work.noun;
  const Message& changed = *work.item;
  ObjectState state;
  std::unique_ptr<Message> item = load(records, noun, mrid_of(changed), &state);
  if (is_final(state) || state == ObjectState::completed)
    throw Rejection(code::kCanceledPerBusinessRule,
                    noun + " item " + mrid_of(changed) + " is " + std::string(text_of(state)) + " and cannot change");
  // A change replaces the names, and the first Work's priority, schedules, appointments and
  // location where it gives them; the WMS keeps the statuses and crews.
  const auto* r = changed.GetReflection();
  if (const FieldDescriptor* names = field(changed, "names"); names && r->FieldSize(changed, names) > 0) {
    item->GetReflection()->ClearField(item.get(), names);
    for (int i = 0; i < r->FieldSize(changed, names); ++i)
      item->GetReflection()->AddMessage(item.get(), names)->CopyFrom(r->GetRepeatedMessage(changed, names, i));
  }
  const FieldDescriptor* works = field(changed, "work");
  if (r->FieldSize(changed, works) > 0) {
    const Message& w = r->GetRepeatedMessage(changed, works, 0);
    Message* mine = first_work(item.get());
    for (const char* name : {"priority", "time_schedules", "appointments", "work_location"}) {
      const FieldDescriptor* f = field(w, name);
      if (f == nullptr) continue;
      const bool given = f->is_repeated() ? w.GetReflection()->FieldSize(w, f) > 0 : w.GetReflection()->HasField(w, f);
      if (!given) continue;
      mine->GetReflection()->ClearField(mine, f);
      if (f->is_repeated()) {
        for (int i = 0; i < w.GetReflection()->FieldSize(w, f); ++i)
          mine->GetReflection()->AddMessage(mine, f)->CopyFrom(w.GetReflection()->GetRepeatedMessage(w, f, i));
      } else {
        mine->GetReflection()->MutableMessage(mine, f)->CopyFrom(w.GetReflection()->GetMessage(w, f));
      }
    }
  }
  records.put(noun, mrid_of(*item), state, *item);
  return NounItem{noun, std::move(item)};
}

NounItem ReferenceWms::cancel(store::Transaction& tx, const std::string& noun, const std::string& mrid) {
  Records records(tx);
  ObjectState state;
  std::unique_ptr<Message> item = load(records, noun, mrid, &state);
  if (state == ObjectState::canceled) return NounItem{noun, std::move(item)};
  if (state == ObjectState::completed || state == ObjectState::closed)
    throw Rejection(code::kCanceledPerBusinessRule,
                    noun + " item " + mrid + " is " + std::string(text_of(state)) + ": completed work cannot be canceled");
  set_status(item.get(), cancelled);
  records.put(noun, mrid, ObjectState::canceled, *item);
  Statement crew(tx, "SELECT crew FROM work_schedule WHERE noun = ? AND mrid = ?");
  crew.bind(1, noun).bind(2, mrid);
  if (crew.step() && !crew.text(0).empty()) Statement(tx, "UPDATE crews SET busy = 0 WHERE mrid = ?").bind(1, crew.text(0)).run();
  Statement(tx, "DELETE FROM work_schedule WHERE noun = ? AND mrid = ?").bind(1, noun).bind(2, mrid).run();
  return NounItem{noun, std::move(item)};
}

std::vector<WmsBackend::Update> ReferenceWms::advance(store::Transaction& tx) {
  Records records(tx);
  const std::int64_t now = epoch_ms();
  struct Due {
    std::string noun, mrid, crew;
  };
  std::vector<Due> due;
  {
    Statement rows(tx, "SELECT noun, mrid, crew FROM work_schedule WHERE next_at <= ? ORDER BY priority, next_at LIMIT 500");
    rows.bind(1, now);
    while (rows.step()) due.push_back({rows.text(0), rows.text(1), rows.text(2)});
  }
  std::vector<Update> updates;
  for (const Due& d : due) {
    ObjectState state;
    std::unique_ptr<Message> item = load(records, d.noun, d.mrid, &state);
    int next = -1;
    std::string crew = d.crew, crew_name, eta;
    if (state == ObjectState::waiting_to_be_scheduled) {
      next = scheduled;
    } else if (state == ObjectState::scheduled) {
      Statement free(tx, "SELECT mrid, name FROM crews WHERE busy = 0 ORDER BY name LIMIT 1");
      if (!free.step()) {  // every crew is out: try again shortly
        Statement(tx, "UPDATE work_schedule SET next_at = ? WHERE noun = ? AND mrid = ?").bind(1, now + step_ms_ / 2).bind(2, d.noun).bind(3, d.mrid).run();
        continue;
      }
      crew = free.text(0);
      crew_name = free.text(1);
      Statement(tx, "UPDATE crews SET busy = 1 WHERE mrid = ?").bind(1, crew).run();
      next = dispatched;
      eta = format_timestamp(std::chrono::system_clock::now() + std::chrono::milliseconds(2 * step_ms_));
    } else if (state == ObjectState::dispatched) {
      next = enroute;
    } else if (state == ObjectState::enroute) {
      next = onSite;
    } else if (state == ObjectState::on_site) {
      next = completed;
      if (!crew.empty()) Statement(tx, "UPDATE crews SET busy = 0 WHERE mrid = ?").bind(1, crew).run();
    } else if (state == ObjectState::completed) {
      next = closed;
    } else {
      Statement(tx, "DELETE FROM work_schedule WHERE noun = ? AND mrid = ?").bind(1, d.noun).bind(2, d.mrid).run();
      continue;
    }
    set_status(item.get(), next, crew, crew_name, eta);
    records.put(d.noun, d.mrid, state_of(next), *item);
    if (next == closed) {
      Statement(tx, "DELETE FROM work_schedule WHERE noun = ? AND mrid = ?").bind(1, d.noun).bind(2, d.mrid).run();
    } else {
      Statement(tx, "UPDATE work_schedule SET next_at = ?, crew = ? WHERE noun = ? AND mrid = ?")
          .bind(1, now + (next == scheduled ? 0 : next_step_ms()))
          .bind(2, crew)
          .bind(3, d.noun)
          .bind(4, d.mrid)
          .run();
    }
    updates.push_back(Update{NounItem{d.noun, std::move(item)}, next == closed});
  }
  return updates;
}

}  // namespace cimbus::wms
