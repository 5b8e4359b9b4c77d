// The analyse page: uploads each chosen (or dropped) video with its own progress, then
// follows every analysis through the server's events until it is logged.
"use strict";

const form = document.getElementById("upload");
const problems = document.getElementById("problems");
const rows = document.querySelector("#jobs tbody");
const maxBytes = Number(form.dataset.maxBytes);
const megabytes = (bytes) => `${Math.round(bytes / 1e6).toLocaleString()} MB`;

function say(text) {
  const line = document.createElement("p");
  line.textContent = text;
  problems.append(line);
}

function cell(row, text) {
  const td = row.insertCell();
  td.textContent = text;
  return td;
}

function drawJob(job) {
  let row = document.getElementById(`job-${job.id}`);
  if (!row) {
    row = document.createElement("tr");
    row.id = `job-${job.id}`;
    rows.prepend(row);
  }
  row.dataset.state = job.state;
  row.replaceChildren();
  cell(row, job.video);
  cell(row, job.profile);
  cell(row, job.exercise);
  const percent = Math.round(job.progress * 100);
  const progress = cell(row, "");
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = percent;
  bar.textContent = `${percent}%`;
  bar.setAttribute("aria-label", job.video);
  const state = document.createElement("span");
  state.className = "state";
  state.textContent = ` ${job.state === "running" ? `${percent}%` : job.state}`;
  progress.append(bar, state);
  const result = cell(row, job.message);
  result.className = "result";
  if (job.session !== null) {
    const link = document.createElement("a");
    link.href = `/sessions/${job.session}`;
    link.textContent = " Open the session";
    result.append(link);
  }
  if (job.state === "failed" || job.state === "interrupted") bar.hidden = true;
  if (job.state === "interrupted") {
    const again = document.createElement("button");
    again.type = "button";
    again.className = "link";
    again.textContent = "Re-run";
    again.addEventListener("click", () => rerun(job.id));
    result.append(" ", again);
  }
}

async function rerun(id) {
  const answer = await fetch(`/api/jobs/${id}/rerun`, { method: "POST" });
  if (!answer.ok) say((await answer.json()).error);
}

function uploadRow(file) {
  const row = document.createElement("tr");
  cell(row, file.name);
  cell(row, form.profile.value);
  cell(row, form.exercise.value);
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute("aria-label", `uploading ${file.name}`);
  const progress = cell(row, "");
  progress.append(bar, " uploading");
  cell(row, "");
  rows.prepend(row);
  return { row, bar };
}

function upload(file) {
  if (file.size === 0) {
    say(`${file.name} is empty (0 bytes): choose the video again.`);
    return;
  }
  if (file.size > maxBytes) {
    say(`${file.name} is ${megabytes(file.size)}, larger than the ${megabytes(maxBytes)} ` +
        "this repcam takes. Trim the video to the set, or start repcam serve with a larger " +
        "--max-upload-mb.");
    return;
  }
  const query = new URLSearchParams({ name: file.name, profile: form.profile.value,
                                      exercise: form.exercise.value });
  const { row, bar } = uploadRow(file);
  const request = new XMLHttpRequest();
  request.open("POST", `/api/uploads?${query}`);
  request.upload.onprogress = (event) => {
    if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
  };
  request.onload = () => {
    row.remove();
    const answer = JSON.parse(request.responseText || "{}");
    if (request.status === 201) drawJob(answer);
    else say(answer.error || `The upload of ${file.name} failed (${request.status}).`);
  };
  request.onerror = () => {
    row.remove();
    say(`The upload of ${file.name} was cut off: is repcam serve still running?`);
  };
  request.send(file);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  problems.replaceChildren();
  for (const file of form.videos.files) upload(file);
  form.videos.value = "";
});

const drop = document.getElementById("drop");
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  problems.replaceChildren();
  for (const file of event.dataTransfer.files) upload(file);
});

new EventSource("/api/jobs/events").onmessage = (event) => {
  for (const job of JSON.parse(event.data).reverse()) drawJob(job);
};
