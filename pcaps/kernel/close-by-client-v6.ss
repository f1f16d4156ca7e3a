# ss -tanoH snapshots of close-by-client-v6: "@ CHECKPOINT SIDE START_US END_US MS LABEL", then what ss printed
@ 1 client 1795269890460733 1795269890480206 100 SYN on its way to the tap
SYN-SENT 0      1      [2001:db8:77::1]:46882 [2001:db8:77::2]:8080 timer:(on,880ms,0)
@ 1 server 1795269890480206 1795269890503349 100 SYN on its way to the tap
LISTEN 0      512    [2001:db8:77::2]:8080 [::]:*
@ 2 client 1795269890664229 1795269890683800 300 SYN delivered, SYN+ACK on its way
SYN-SENT 0      1      [2001:db8:77::1]:46882 [2001:db8:77::2]:8080 timer:(on,680ms,0)
@ 2 server 1795269890683800 1795269890699295 300 SYN delivered, SYN+ACK on its way
LISTEN   0      512    [2001:db8:77::2]:8080             [::]:*    
SYN-RECV 0      0      [2001:db8:77::2]:8080 [2001:db8:77::1]:46882 timer:(on,860ms,0)
@ 3 client 1795269890863200 1795269890883035 500 SYN+ACK delivered, the handshake's ACK on its way
ESTAB 0      1000   [2001:db8:77::1]:46882 [2001:db8:77::2]:8080 timer:(on,884ms,0)
@ 3 server 1795269890883035 1795269890899561 500 SYN+ACK delivered, the handshake's ACK on its way
LISTEN   0      512    [2001:db8:77::2]:8080             [::]:*    
SYN-RECV 0      0      [2001:db8:77::2]:8080 [2001:db8:77::1]:46882 timer:(on,668ms,0)
@ 4 client 1795269891363259 1795269891379145 1000 established, data exchanged
ESTAB 0      0      [2001:db8:77::1]:46882 [2001:db8:77::2]:8080
@ 4 server 1795269891379145 1795269891386639 1000 established, data exchanged
ESTAB 0      0      [2001:db8:77::2]:8080 [2001:db8:77::1]:46882
@ 5 client 1795269891963266 1795269891973294 1600 client FIN on its way
FIN-WAIT-1 0      1      [2001:db8:77::1]:46882 [2001:db8:77::2]:8080 timer:(on,888ms,0)
@ 5 server 1795269891973294 1795269891999224 1600 client FIN on its way
ESTAB 0      0      [2001:db8:77::2]:8080 [2001:db8:77::1]:46882
@ 6 client 1795269892179145 1795269892187138 1800 FIN delivered, its ACK on its way
FIN-WAIT-1 0      1      [2001:db8:77::1]:46882 [2001:db8:77::2]:8080 timer:(on,676ms,0)
@ 6 server 1795269892187138 1795269892207265 1800 FIN delivered, its ACK on its way
CLOSE-WAIT 0      0      [2001:db8:77::2]:8080 [2001:db8:77::1]:46882
@ 7 client 1795269892363394 1795269892383265 2000 client FIN_WAIT_2, server CLOSE_WAIT
FIN-WAIT-2 0      0      [2001:db8:77::1]:46882 [2001:db8:77::2]:8080 timer:(timewait,59sec,0)
@ 7 server 1795269892383265 1795269892407130 2000 client FIN_WAIT_2, server CLOSE_WAIT
CLOSE-WAIT 0      0      [2001:db8:77::2]:8080 [2001:db8:77::1]:46882
@ 8 client 1795269892970884 1795269892995237 2600 server FIN on its way
FIN-WAIT-2 0      0      [2001:db8:77::1]:46882 [2001:db8:77::2]:8080 timer:(timewait,59sec,0)
@ 8 server 1795269892995237 1795269893013756 2600 server FIN on its way
LAST-ACK 0      1      [2001:db8:77::2]:8080 [2001:db8:77::1]:46882 timer:(on,856ms,0)
@ 9 client 1795269893162016 1795269893187157 2800 server FIN delivered, last ACK on its way
TIME-WAIT 0      0      [2001:db8:77::1]:46882 [2001:db8:77::2]:8080 timer:(timewait,59sec,0)
@ 9 server 1795269893187157 1795269893203220 2800 server FIN delivered, last ACK on its way
LAST-ACK 0      1      [2001:db8:77::2]:8080 [2001:db8:77::1]:46882 timer:(on,668ms,0)
@ 10 client 1795269893359345 1795269893375159 3000 client TIME_WAIT, server closed
TIME-WAIT 0      0      [2001:db8:77::1]:46882 [2001:db8:77::2]:8080 timer:(timewait,59sec,0)
@ 10 server 1795269893375159 1795269893397253 3000 client TIME_WAIT, server closed
@ 11 client 1795269893859628 1795269893875213 3500 settled
TIME-WAIT 0      0      [2001:db8:77::1]:46882 [2001:db8:77::2]:8080 timer:(timewait,59sec,0)
@ 11 server 1795269893875213 1795269893895262 3500 settled
