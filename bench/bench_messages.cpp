#include "bench_messages.hpp"

#include <cstdio>

namespace cimbus::bench {

namespace {

const char* const kHead = R"(<?xml version="1.0" encoding="UTF-8"?>
<RequestMessage xmlns="http://iec.ch/TC57/2011/schema/message">
  <Header>
    <Verb>create</Verb>
    <Noun>ServiceOrders</Noun>
    <Revision>2.0</Revision>
    <ReplayDetection><Nonce>6c1e90a2</Nonce><Created>2026-11-22T08:15:00+01:00</Created></ReplayDetection>
    <Context>PRODUCTION</Context>
    <Timestamp>2026-11-22T08:15:00+01:00</Timestamp>
    <Source>CIS</Source>
    <AsyncReplyFlag>false</AsyncReplyFlag>
    <ReplyAddress>req.reply.cis-1</ReplyAddress>
    <AckRequired>true</AckRequired>
    <User><UserID>integration</UserID><Organization>Utility</Organization></User>
    <MessageID>0f8fad5b-d9cb-469f-a165-70867728950e</MessageID>
    <CorrelationID>7c9e6679-7425-40de-944b-e07fc1f90ae7</CorrelationID>
    <Comment>benchmark message</Comment>
    <Property><Name>region</Name><Value>north</Value></Property>
  </Header>
  <Payload>
    <so:ServiceOrders xmlns:so="http://iec.ch/TC57/2015/ServiceOrders#">
)";

const char* const kTail = R"(    </so:ServiceOrders>
  </Payload>
</RequestMessage>
)";

// A ServiceOrder that validates against schemas/work/ServiceOrders.xsd (and the EPRI profile).
std::string service_order(std::size_t n) {
  char id[13];
  std::snprintf(id, sizeof id, "%012zx", n);
  const std::string mrid = std::string("54bfd0c8-475a-4705-ab50-") + id;
  return "      <so:ServiceOrder><so:mRID>" + mrid + "</so:mRID>"
         "<so:Work><so:mRID>7c9e6679-7425-40de-944b-" + std::string(id) + "</so:mRID><so:kind>service</so:kind>"
         "<so:requestDateTime>2026-11-22T09:00:00Z</so:requestDateTime><so:statusKind>scheduled</so:statusKind>"
         "<so:priority><so:rank>2</so:rank></so:priority>"
         "<so:WorkLocation><so:mainAddress><so:streetDetail><so:addressGeneral>12 Main Street</so:addressGeneral>"
         "</so:streetDetail><so:townDetail><so:name>Springfield</so:name></so:townDetail></so:mainAddress></so:WorkLocation>"
         "<so:WorkTasks><so:crewETA>2026-11-22T10:30:00Z</so:crewETA><so:statusKind>scheduled</so:statusKind>"
         "<so:subject>Meter exchange</so:subject><so:taskKind>exchange</so:taskKind></so:WorkTasks>"
         "</so:Work></so:ServiceOrder>\n";
}

}  // namespace

std::string envelope_message(std::size_t target_bytes) {
  std::string xml = kHead;
  const std::size_t tail = std::char_traits<char>::length(kTail);
  for (std::size_t n = 0; n == 0 || xml.size() + tail < target_bytes; ++n) xml += service_order(n);
  return xml + kTail;
}

}  // namespace cimbus::bench
